"""Whether and how to transcode a video for playback, following Immich's ``ffmpeg`` config.

The decision (``transcode_target``, ``needs_transcode``) reproduces Immich's media service rule
for rule; the command mirrors its software encoder settings. Two deliberate differences: HDR is
tone-mapped with stock ffmpeg's zscale+tonemap (Immich's ``tonemapx`` exists only in
jellyfin-ffmpeg), and hardware acceleration emits the encoder and device flags but is untested
here, with a software retry when it fails (as Immich does).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from albumen.media.ffprobe import AudioStream, VideoInfo, VideoStream

PRESETS = ["veryslow", "slower", "slow", "medium", "fast", "faster", "veryfast", "superfast", "ultrafast"]


class TranscodeTarget(StrEnum):
    NONE = "none"
    AUDIO = "audio"
    VIDEO = "video"
    ALL = "all"


@dataclass(frozen=True)
class FFmpegConfig:
    """Immich's ``ffmpeg`` config section (3.x defaults)."""

    crf: int = 23
    threads: int = 0
    preset: str = "ultrafast"
    target_video_codec: str = "h264"
    accepted_video_codecs: Sequence[str] = ("h264",)
    target_audio_codec: str = "aac"
    accepted_audio_codecs: Sequence[str] = ("aac", "mp3", "opus")
    accepted_containers: Sequence[str] = ("mov", "ogg", "webm")
    target_resolution: str = "720"
    max_bitrate: str = "0"
    bframes: int = -1
    refs: int = 0
    gop_size: int = 0
    temporal_aq: bool = False
    cq_mode: str = "auto"
    two_pass: bool = False
    preferred_hw_device: str = "auto"
    transcode: str = "required"
    tonemap: str = "hable"
    accel: str = "disabled"
    accel_decode: bool = True

    _KEYS = {
        "crf": "crf", "threads": "threads", "preset": "preset", "targetVideoCodec": "target_video_codec",
        "acceptedVideoCodecs": "accepted_video_codecs", "targetAudioCodec": "target_audio_codec",
        "acceptedAudioCodecs": "accepted_audio_codecs", "acceptedContainers": "accepted_containers",
        "targetResolution": "target_resolution", "maxBitrate": "max_bitrate", "bframes": "bframes",
        "refs": "refs", "gopSize": "gop_size", "temporalAQ": "temporal_aq", "cqMode": "cq_mode",
        "twoPass": "two_pass", "preferredHwDevice": "preferred_hw_device", "transcode": "transcode",
        "tonemap": "tonemap", "accel": "accel", "accelDecode": "accel_decode",
    }  # fmt: skip

    @classmethod
    def from_immich(cls, section: Mapping[str, Any] | None) -> FFmpegConfig:
        values: dict[str, Any] = {}
        for key, value in (section or {}).items():
            if key in cls._KEYS:
                values[cls._KEYS[key]] = tuple(value) if isinstance(value, list) else value
        return cls(**values)


def _config(config: FFmpegConfig | Mapping[str, Any] | None) -> FFmpegConfig:
    return config if isinstance(config, FFmpegConfig) else FFmpegConfig.from_immich(config)


def parse_bitrate_bps(value: str) -> int:
    """Immich's parseBitrateToBps: "10M" -> 10_000_000, "800k" -> 800_000, "0" -> 0."""
    digits = _leading_int(value)
    if digits is None:
        return 0
    lowered = value.strip().lower()
    if lowered.endswith("k"):
        return digits * 1000
    if lowered.endswith("m"):
        return digits * 1_000_000
    return digits


def _leading_int(value: str) -> int | None:
    text = value.strip()
    end = 1 if text[:1] in "+-" else 0
    while end < len(text) and text[end].isdigit():
        end += 1
    try:
        return int(text[:end])
    except ValueError:
        return None


def _audio_required(config: FFmpegConfig, stream: AudioStream | None) -> bool:
    if stream is None:
        return False
    if config.transcode == "disabled":
        return False
    if config.transcode == "all":
        return True
    if config.transcode in ("required", "optimal", "bitrate"):
        return stream.codec_name not in config.accepted_audio_codecs
    raise ValueError(f"Unsupported transcode policy: {config.transcode}")


def _video_required(config: FFmpegConfig, stream: VideoStream) -> bool:
    scaling = config.target_resolution != "original"
    target = _leading_int(config.target_resolution) or 0
    larger_than_resolution = scaling and min(stream.width, stream.height) > target
    larger_than_bitrate = stream.bitrate > parse_bitrate_bps(config.max_bitrate)
    required = stream.codec_name not in config.accepted_video_codecs or not stream.pixel_format.endswith(
        "420p"
    )
    if config.transcode == "disabled":
        return False
    if config.transcode == "all":
        return True
    if config.transcode == "required":
        return required
    if config.transcode == "optimal":
        return required or larger_than_resolution
    if config.transcode == "bitrate":
        return required or larger_than_bitrate
    raise ValueError(f"Unsupported transcode policy: {config.transcode}")


def transcode_target(info: VideoInfo, config: FFmpegConfig | Mapping[str, Any] | None) -> TranscodeTarget:
    """Which streams Immich would re-encode: none, audio, video or all."""
    cfg = _config(config)
    video = info.video
    if video is None:
        return TranscodeTarget.NONE
    audio_required = _audio_required(cfg, info.audio)
    video_required = _video_required(cfg, video)
    if audio_required and video_required:
        return TranscodeTarget.ALL
    if audio_required:
        return TranscodeTarget.AUDIO
    if video_required:
        return TranscodeTarget.VIDEO
    return TranscodeTarget.NONE


def remux_required(info: VideoInfo, config: FFmpegConfig | Mapping[str, Any] | None) -> bool:
    """Immich's isRemuxRequired: the container itself is not one players accept."""
    cfg = _config(config)
    if cfg.transcode == "disabled":
        return False
    # ffprobe names MP4 and MOV alike ("mov,mp4,..."); Immich keys on the long name, and compares
    # any other demuxer's full name (e.g. "matroska,webm"), which is why WebM is always remuxed.
    name = "mov" if info.format_long_name == "QuickTime / MOV" else info.format_name
    return name != "mp4" and name not in cfg.accepted_containers


def needs_transcode(info: VideoInfo, config: FFmpegConfig | Mapping[str, Any] | None) -> bool:
    """Whether Immich's video conversion job would write an encoded video for this file."""
    cfg = _config(config)
    if info.video is None or not info.video.width or not info.video.height:
        return False
    return transcode_target(info, cfg) is not TranscodeTarget.NONE or remux_required(info, cfg)


def _bitrate_parts(config: FFmpegConfig) -> tuple[int, str]:
    maximum = _leading_int(config.max_bitrate) or 0
    unit = config.max_bitrate.strip()[len(str(maximum)) :] or "k"
    return maximum, unit


def target_resolution(config: FFmpegConfig, stream: VideoStream) -> int:
    if config.target_resolution == "original":
        target = min(stream.width, stream.height)
    else:
        target = _leading_int(config.target_resolution) or min(stream.width, stream.height)
    return target - 1 if target % 2 else target


def _should_scale(config: FFmpegConfig, stream: VideoStream) -> bool:
    odd = stream.width % 2 != 0 or stream.height % 2 != 0
    return odd or min(stream.width, stream.height) > target_resolution(config, stream)


def _is_vertical(stream: VideoStream) -> bool:
    return stream.height > stream.width or stream.rotation in (90, 270)


def _scale_filter(config: FFmpegConfig, stream: VideoStream) -> str:
    target = target_resolution(config, stream)
    return f"scale={target}:-2" if _is_vertical(stream) else f"scale=-2:{target}"


def _tonemap_filters(config: FFmpegConfig) -> list[str]:
    return [
        "zscale=t=linear:npl=100",
        "format=gbrpf32le",
        "zscale=p=bt709",
        f"tonemap=tonemap={config.tonemap}:desat=0",
        "zscale=t=bt709:m=bt709:r=tv",
        "format=yuv420p",
    ]


def video_filters(config: FFmpegConfig, stream: VideoStream) -> list[str]:
    filters = [_scale_filter(config, stream)] if _should_scale(config, stream) else []
    if stream.is_hdr and config.tonemap != "disabled":
        filters += _tonemap_filters(config)
    elif not stream.pixel_format.endswith("420p"):
        filters.append("format=yuv420p")
    return filters


def _video_encoder(config: FFmpegConfig) -> str:
    if config.accel != "disabled":
        return f"{config.target_video_codec}_{config.accel}"
    return {"h264": "libx264", "hevc": "libx265", "vp9": "libvpx-vp9", "av1": "libsvtav1"}[
        config.target_video_codec
    ]


def _audio_encoder(config: FFmpegConfig) -> str:
    return {"opus": "libopus", "mp3": "libmp3lame"}.get(config.target_audio_codec, config.target_audio_codec)


def two_pass_eligible(config: FFmpegConfig) -> bool:
    if config.target_video_codec in ("vp9", "av1"):
        return config.two_pass and config.accel == "disabled"
    return config.two_pass and config.accel == "disabled" and (_bitrate_parts(config)[0] > 0)


def _preset_options(config: FFmpegConfig) -> list[str]:
    index = PRESETS.index(config.preset) if config.preset in PRESETS else -1
    if config.accel != "disabled":
        return []
    if config.target_video_codec == "vp9":
        return ["-cpu-used", str(min(index, 5))] if index >= 0 else []
    if config.target_video_codec == "av1":
        return ["-preset", str(index + 4)] if index >= 0 else []
    return ["-preset", config.preset]


def _rate_options(config: FFmpegConfig) -> list[str]:
    maximum, unit = _bitrate_parts(config)
    target = math.ceil(maximum / 1.45)
    codec = config.target_video_codec
    quality = ["-q:v" if config.cq_mode == "cqp" and config.accel != "disabled" else "-crf", str(config.crf)]
    if codec == "av1" and config.accel == "disabled":
        params = ([f"lp={config.threads}"] if config.threads > 0 else []) + (
            [f"mbr={maximum}{unit}"] if maximum > 0 else []
        )
        return ["-crf", str(config.crf)] + (["-svtav1-params", ":".join(params)] if params else [])
    if two_pass_eligible(config) and (maximum > 0 or codec != "vp9"):
        minimum = target // 2 if target % 2 == 0 else target / 2  # JavaScript prints 3448.5, not 3448.50
        return ["-b:v", f"{target}{unit}", "-minrate", f"{minimum}{unit}", "-maxrate", f"{maximum}{unit}"]
    if codec == "vp9" and config.accel == "disabled":
        return [*quality, "-b:v", f"{maximum}{unit}"]
    if maximum > 0:
        return [*quality, "-maxrate", f"{maximum}{unit}", "-bufsize", f"{maximum * 2}{unit}"]
    return quality


def _thread_options(config: FFmpegConfig) -> list[str]:
    codec = config.target_video_codec
    if config.accel != "disabled" or codec == "av1":
        return []
    options = ["-row-mt", "1"] if codec == "vp9" else []
    if config.threads > 0:
        options += ["-threads", str(config.threads)]
        if config.threads == 1 and codec in ("h264", "hevc"):
            options += ["-x264-params" if codec == "h264" else "-x265-params", "frame-threads=1:pools=none"]
    return options


def _hw_input_options(config: FFmpegConfig) -> list[str]:
    device = config.preferred_hw_device
    if config.accel == "nvenc":
        return ["-init_hw_device", "cuda=cuda:0", "-filter_hw_device", "cuda"]
    if config.accel in ("vaapi", "qsv"):
        path = "/dev/dri/renderD128" if device == "auto" else f"/dev/dri/{device.removeprefix('/dev/dri/')}"
        return ["-init_hw_device", f"{config.accel}=accel:{path}", "-filter_hw_device", "accel"]
    return []


def build_command(
    info: VideoInfo, config: FFmpegConfig | Mapping[str, Any] | None, target: TranscodeTarget
) -> tuple[list[str], list[str]]:
    """``(input options, output options)`` for one ffmpeg run (without ``-i`` or the output)."""
    cfg = _config(config)
    video, audio = info.video, info.audio
    if video is None:
        raise ValueError("Cannot build a transcode command without a video stream")
    video_codec = _video_encoder(cfg) if target in (TranscodeTarget.ALL, TranscodeTarget.VIDEO) else "copy"
    audio_codec = _audio_encoder(cfg) if target in (TranscodeTarget.ALL, TranscodeTarget.AUDIO) else "copy"
    output = [
        "-c:v", video_codec, "-c:a", audio_codec, "-movflags", "faststart", "-fps_mode", "passthrough",
        "-map", f"0:{video.index}", "-map_metadata", "-1",
    ]  # fmt: skip
    if audio is not None:
        output += ["-map", f"0:{audio.index}"]
    if cfg.bframes > -1:
        output += ["-bf", str(cfg.bframes)]
    if cfg.refs > 0:
        output += ["-refs", str(cfg.refs)]
    gop = cfg.gop_size if cfg.gop_size > 0 or cfg.accel == "disabled" else 256
    if gop > 0:
        output += ["-g", str(gop)]
    if cfg.target_video_codec == "hevc" and (video_codec != "copy" or video.codec_name == "hevc"):
        output += ["-tag:v", "hvc1"]
    if video_codec != "copy":
        filters = video_filters(cfg, video)
        if filters:
            output += ["-vf", ",".join(filters)]
        output += _preset_options(cfg) + _thread_options(cfg) + _rate_options(cfg)
    return _hw_input_options(cfg), output


def software_fallback(config: FFmpegConfig) -> FFmpegConfig:
    return replace(config, accel="disabled")
