"""What a video file holds, from ``ffprobe -print_format json`` (streams, rotation, date, place)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from albumen.media.errors import CorruptMediaError, MediaToolError
from albumen.media.limits import DEFAULT_LIMITS, MediaLimits

# ISO 6709 point: latitude, longitude, optional altitude, each signed; whole degrees may carry
# minutes and seconds as extra digits (+DDMMSS.S), so the integer digit count decides the unit.
_ISO6709 = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?(?:CRS[^/]*)?/?$")


@dataclass(frozen=True)
class VideoStream:
    index: int
    codec_name: str
    width: int
    height: int
    rotation: int
    frame_count: int
    fps: float
    bitrate: int
    pixel_format: str
    is_hdr: bool
    color_transfer: str | None = None
    color_primaries: str | None = None


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec_name: str
    frame_count: int
    bitrate: int
    channels: int
    sample_rate: int


@dataclass(frozen=True)
class VideoInfo:
    """A probed video. ``width``/``height`` are as displayed, i.e. after ``rotation``."""

    format_name: str
    format_long_name: str
    duration_ms: int
    bitrate: int
    video_streams: list[VideoStream] = field(default_factory=list)
    audio_streams: list[AudioStream] = field(default_factory=list)
    creation_time: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None

    @property
    def video(self) -> VideoStream | None:
        """Immich's main stream: known codec, most frames."""
        return _main_stream(self.video_streams)

    @property
    def audio(self) -> AudioStream | None:
        return _main_stream(self.audio_streams)

    @property
    def rotation(self) -> int:
        return self.video.rotation if self.video else 0

    @property
    def width(self) -> int:
        stream = self.video
        if stream is None:
            return 0
        return stream.height if stream.rotation in (90, 270) else stream.width

    @property
    def height(self) -> int:
        stream = self.video
        if stream is None:
            return 0
        return stream.width if stream.rotation in (90, 270) else stream.height

    @property
    def fps(self) -> float:
        return self.video.fps if self.video else 0.0

    @property
    def video_codec(self) -> str | None:
        return self.video.codec_name if self.video else None

    @property
    def audio_codec(self) -> str | None:
        return self.audio.codec_name if self.audio else None


def _main_stream(streams: list[Any]) -> Any:
    known = [stream for stream in streams if stream.codec_name != "unknown"]
    # sorted() is stable, so among equal frame counts the first stream wins, as in Immich.
    return sorted(known, key=lambda stream: stream.frame_count, reverse=True)[0] if known else None


def _int(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def _rate(value: Any) -> float:
    try:
        rate = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return 0.0
    return float(rate) if rate > 0 else 0.0


def _rotation(stream: dict[str, Any]) -> int:
    """Clockwise degrees a player turns the frame: 0, 90, 180 or 270."""
    for side_data in stream.get("side_data_list") or []:
        if "rotation" in side_data:
            # A display matrix's angle is counter-clockwise; ffprobe prints -90 for portrait phones.
            return (-_int(side_data["rotation"])) % 360 // 90 * 90
    tag = (stream.get("tags") or {}).get("rotate")
    return _int(tag) % 360 // 90 * 90 if tag is not None else 0


def _iso6709_degrees(text: str, whole_digits: int) -> float:
    sign = -1.0 if text[0] == "-" else 1.0
    body = text[1:]
    integer, _, fraction = body.partition(".")
    tail = float(f"0.{fraction}") if fraction else 0.0
    if len(integer) <= whole_digits:
        return sign * (int(integer) + tail)
    degrees = int(integer[:whole_digits])
    rest = integer[whole_digits:]
    minutes = int(rest[:2])
    if len(rest) > 2:
        return sign * (degrees + minutes / 60 + (int(rest[2:4]) + tail) / 3600)
    return sign * (degrees + (minutes + tail) / 60)


def parse_iso6709(value: str) -> tuple[float, float, float | None] | None:
    """``+48.8584+002.2945+35.000/`` -> (48.8584, 2.2945, 35.0); None when malformed."""
    match = _ISO6709.match(value.strip())
    if not match:
        return None
    latitude = _iso6709_degrees(match.group(1), 2)
    longitude = _iso6709_degrees(match.group(2), 3)
    altitude = float(match.group(3)) if match.group(3) else None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude, altitude


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    # Apple writes "2024-07-14T20:30:00+0200"; fromisoformat wants the colon.
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if parsed.year < 1971:
        return None  # QuickTime's zero epoch (1904) means "not set"
    return parsed


def parse_ffprobe(data: dict[str, Any]) -> VideoInfo:
    """Build a VideoInfo from ffprobe's JSON (``-show_format -show_streams``)."""
    fmt = data.get("format") or {}
    tags = {str(k).lower(): v for k, v in (fmt.get("tags") or {}).items()}
    streams = data.get("streams") or []
    video_streams = [
        VideoStream(
            index=_int(s.get("index")),
            codec_name="hevc" if s.get("codec_name") == "h265" else str(s.get("codec_name") or "unknown"),
            width=_int(s.get("width")),
            height=_int(s.get("height")),
            rotation=_rotation(s),
            frame_count=_int(s.get("nb_frames") or s.get("nb_read_packets")),
            fps=_rate(s.get("avg_frame_rate")) or _rate(s.get("r_frame_rate")),
            bitrate=_int(s.get("bit_rate")),
            pixel_format=str(s.get("pix_fmt") or "yuv420p"),
            is_hdr=s.get("color_transfer") in ("smpte2084", "arib-std-b67"),
            color_transfer=s.get("color_transfer"),
            color_primaries=s.get("color_primaries"),
        )
        for s in streams
        if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    audio_streams = [
        AudioStream(
            index=_int(s.get("index")),
            codec_name=str(s.get("codec_name") or "unknown"),
            frame_count=_int(s.get("nb_frames") or s.get("nb_read_packets")),
            bitrate=_int(s.get("bit_rate")),
            channels=_int(s.get("channels")),
            sample_rate=_int(s.get("sample_rate")),
        )
        for s in streams
        if s.get("codec_type") == "audio"
    ]
    created = _parse_time(tags.get("com.apple.quicktime.creationdate")) or _parse_time(
        tags.get("creation_time")
    )
    if created is None:
        for stream in streams:
            created = _parse_time((stream.get("tags") or {}).get("creation_time"))
            if created:
                break
    location = None
    for key in ("com.apple.quicktime.location.iso6709", "location", "location-eng"):
        if isinstance(tags.get(key), str):
            location = parse_iso6709(tags[key])
            if location:
                break
    duration = float(fmt.get("duration") or 0) or max(
        (float(s.get("duration") or 0) for s in streams), default=0.0
    )
    return VideoInfo(
        format_name=str(fmt.get("format_name") or ""),
        format_long_name=str(fmt.get("format_long_name") or ""),
        duration_ms=round(duration * 1000),
        bitrate=_int(fmt.get("bit_rate")),
        video_streams=video_streams,
        audio_streams=audio_streams,
        creation_time=created,
        latitude=location[0] if location else None,
        longitude=location[1] if location else None,
        altitude=location[2] if location else None,
    )


def probe(path: str | os.PathLike[str], *, limits: MediaLimits = DEFAULT_LIMITS) -> VideoInfo:
    """Run ffprobe on ``path``; raise CorruptMediaError when it is not a readable video."""
    file_path = Path(path)
    if not file_path.is_file() or file_path.stat().st_size == 0:
        raise CorruptMediaError(f"{file_path.name}: file is missing or empty")
    command = [
        "ffprobe",
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        "--",
        str(file_path),
    ]
    try:
        completed = subprocess.run(command, capture_output=True, timeout=limits.probe_timeout_s, check=False)
    except FileNotFoundError as error:
        raise MediaToolError("ffprobe is not installed") from error
    except subprocess.TimeoutExpired as error:
        raise MediaToolError(
            f"{file_path.name}: ffprobe timed out after {limits.probe_timeout_s:.0f}s"
        ) from error
    if completed.returncode != 0:
        reason = completed.stderr.decode(errors="replace").strip().splitlines()
        raise CorruptMediaError(
            f"{file_path.name}: not a readable video ({reason[-1] if reason else 'ffprobe failed'})"
        )
    try:
        info = parse_ffprobe(json.loads(completed.stdout or b"{}"))
    except (ValueError, TypeError) as error:
        raise CorruptMediaError(f"{file_path.name}: ffprobe returned unreadable output") from error
    if info.video is None:
        raise CorruptMediaError(f"{file_path.name}: no video stream found")
    if info.format_name == "image2" or info.format_name.endswith("_pipe"):
        raise CorruptMediaError(f"{file_path.name}: a still image, not a video ({info.format_name})")
    return info
