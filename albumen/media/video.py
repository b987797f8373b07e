"""Video posters, video thumbnails and transcoding by running ffmpeg, bounded in time."""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from PIL import Image

from albumen.media.decode import DecodedImage
from albumen.media.errors import CorruptMediaError, MediaToolError
from albumen.media.ffprobe import VideoInfo, probe
from albumen.media.limits import DEFAULT_LIMITS, MediaLimits, check_dimensions
from albumen.media.thumbnails import ImageConfig, ThumbnailResult, outside_size, thumbnails_from_decoded
from albumen.media.transcode import (
    FFmpegConfig,
    TranscodeTarget,
    build_command,
    software_fallback,
    transcode_target,
    two_pass_eligible,
    video_filters,
)

__all__ = ["VideoInfo", "extract_poster", "generate_video_thumbnails", "probe", "transcode"]

ProgressCallback = Callable[[float], None]


def _tail(stderr: bytes, lines: int = 3) -> str:
    text = stderr.decode(errors="replace").strip().splitlines()
    return " | ".join(text[-lines:]) if text else "no output"


def extract_poster(
    path: str | os.PathLike[str],
    info: VideoInfo,
    *,
    max_short_side: int | None = 1440,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> Image.Image:
    """A representative frame from the first second or so, upright, as an RGB image.

    The filter chain is Immich's: keyframes only, sampled at 12 fps, ffmpeg's ``thumbnail``
    filter picks the most typical of each 12, and the first scene change (or frame 20) wins,
    which skips black lead-in frames. HDR is tone-mapped to SDR. ffmpeg applies the rotation.
    """
    stream = info.video
    if stream is None:
        raise CorruptMediaError(f"{Path(path).name}: no video stream found")
    check_dimensions(info.width, info.height, limits)
    filters = [
        "fps=12:start_time=0:eof_action=pass:round=down",
        "thumbnail=12",
        r"select=gt(scene\,0.1)-eq(prev_selected_n\,n)+isnan(prev_selected_n)+gt(n\,20)",
        "trim=end_frame=2",
        "reverse",
    ]
    width, height = outside_size(info.width, info.height, max_short_side or 0)
    if (width, height) != (info.width, info.height):
        filters.append(f"scale={width}:{height}:flags=lanczos+accurate_rnd+full_chroma_int:out_range=pc")
    sdr = [
        f
        for f in video_filters(FFmpegConfig(target_resolution="original"), stream)
        if not f.startswith("scale")
    ]
    filters += [f for f in sdr if f != "format=yuv420p"]
    filters.append("format=rgb24")
    skip = [] if info.format_name == "mpegts" else ["-skip_frame", "nointra"]
    command = [
        "ffmpeg", "-nostdin", "-v", "error", *skip, "-sws_flags", "accurate_rnd+full_chroma_int",
        "-i", str(path), "-map", f"0:{stream.index}", "-an", "-sn", "-vf", ",".join(filters),
        "-fps_mode", "vfr", "-frames:v", "1", "-update", "1", "-f", "image2pipe", "-c:v", "ppm", "-",
    ]  # fmt: skip
    try:
        completed = subprocess.run(command, capture_output=True, timeout=limits.poster_timeout_s, check=False)
    except FileNotFoundError as error:
        raise MediaToolError("ffmpeg is not installed") from error
    except subprocess.TimeoutExpired as error:
        raise MediaToolError(f"{Path(path).name}: poster extraction timed out") from error
    if completed.returncode != 0 or not completed.stdout:
        raise CorruptMediaError(
            f"{Path(path).name}: cannot extract a poster frame ({_tail(completed.stderr)})"
        )
    poster = Image.open(io.BytesIO(completed.stdout))
    poster.load()
    return poster.convert("RGB")


def generate_video_thumbnails(
    path: str | os.PathLike[str],
    info: VideoInfo,
    config: ImageConfig | Mapping[str, Any] | None,
    *,
    thumbnail_path: str | os.PathLike[str],
    preview_path: str | os.PathLike[str],
    limits: MediaLimits = DEFAULT_LIMITS,
) -> ThumbnailResult:
    """Poster frame -> the same thumbnail, preview and thumbhash as a photo gets."""
    cfg = config if isinstance(config, ImageConfig) else ImageConfig.from_immich(config)
    poster = extract_poster(
        path, info, max_short_side=max(cfg.preview.size, cfg.thumbnail.size), limits=limits
    )
    decoded = DecodedImage(poster, None, "VIDEO", info.width, info.height)
    return thumbnails_from_decoded(decoded, cfg, thumbnail_path=thumbnail_path, preview_path=preview_path)


def _read_progress(stream: IO[bytes], duration_us: int, progress: ProgressCallback | None) -> None:
    for raw in stream:
        key, _, value = raw.decode(errors="replace").strip().partition("=")
        if progress is None or duration_us <= 0:
            continue
        if key == "out_time_us" and value.isdigit():
            progress(min(1.0, int(value) / duration_us))
        elif key == "progress" and value == "end":
            progress(1.0)


def _run_ffmpeg(
    command: list[str], timeout_s: float, duration_ms: int, progress: ProgressCallback | None
) -> None:
    with tempfile.TemporaryFile() as stderr:
        try:
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL
            )
        except FileNotFoundError as error:
            raise MediaToolError("ffmpeg is not installed") from error
        assert process.stdout is not None
        reader = threading.Thread(target=_read_progress, args=(process.stdout, duration_ms * 1000, progress))
        reader.start()
        try:
            returncode = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired as error:
            process.kill()
            process.wait()
            raise MediaToolError(f"ffmpeg timed out after {timeout_s:.0f}s") from error
        finally:
            reader.join()
        if returncode != 0:
            stderr.seek(0)
            raise MediaToolError(f"ffmpeg failed with exit code {returncode}: {_tail(stderr.read())}")


def _transcode_once(
    source: Path, info: VideoInfo, config: FFmpegConfig, target: TranscodeTarget, temporary: Path,
    progress: ProgressCallback | None, limits: MediaLimits,
) -> None:  # fmt: skip
    input_options, output_options = build_command(info, config, target)
    base = ["ffmpeg", "-nostdin", "-y", "-v", "error", "-progress", "pipe:1", "-nostats", *input_options]
    base += ["-i", str(source), *output_options]
    if not two_pass_eligible(config) or target not in (TranscodeTarget.ALL, TranscodeTarget.VIDEO):
        _run_ffmpeg(
            [*base, "-f", "mp4", str(temporary)], limits.transcode_timeout_s, info.duration_ms, progress
        )
        return
    # Two-pass: the first pass only writes the rate log, which the second pass reads.
    log = temporary.with_suffix(".passlog")
    try:
        first_pass = [*base, "-pass", "1", "-passlogfile", str(log), "-an", "-f", "null", os.devnull]
        half: ProgressCallback | None = (lambda f: progress(f / 2)) if progress else None
        _run_ffmpeg(first_pass, limits.transcode_timeout_s, info.duration_ms, half)
        second_pass = [*base, "-pass", "2", "-passlogfile", str(log), "-f", "mp4", str(temporary)]
        rest: ProgressCallback | None = (lambda f: progress(0.5 + f / 2)) if progress else None
        _run_ffmpeg(second_pass, limits.transcode_timeout_s, info.duration_ms, rest)
    finally:
        for leftover in log.parent.glob(f"{log.name}*"):
            leftover.unlink(missing_ok=True)


def transcode(
    path: str | os.PathLike[str],
    info: VideoInfo,
    ffmpeg_config: FFmpegConfig | Mapping[str, Any] | None,
    out_path: str | os.PathLike[str],
    progress: ProgressCallback | None = None,
    *,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> TranscodeTarget:
    """Encode ``path`` to an MP4 (faststart) at ``out_path``; return what was re-encoded.

    Streams Immich would keep are copied (``TranscodeTarget.NONE`` is a remux). The file appears
    at ``out_path`` only when complete. ``progress`` receives 0.0-1.0 as ffmpeg reports.
    With hardware acceleration configured, a failure is retried in software, as Immich does.
    """
    cfg = config_of(ffmpeg_config)
    source, destination = Path(path), Path(out_path)
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.tmp.mp4")
    target = transcode_target(info, cfg)
    try:
        try:
            _transcode_once(source, info, cfg, target, temporary, progress, limits)
        except MediaToolError:
            if cfg.accel == "disabled":
                raise
            _transcode_once(source, info, software_fallback(cfg), target, temporary, progress, limits)
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def config_of(config: FFmpegConfig | Mapping[str, Any] | None) -> FFmpegConfig:
    return config if isinstance(config, FFmpegConfig) else FFmpegConfig.from_immich(config)
