"""The enums of Immich's admin config DTOs (codecs, formats, policies), with Immich's wire values."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class TranscodeHWAccel(StrEnum):
    NVENC = "nvenc"
    QSV = "qsv"
    VAAPI = "vaapi"
    RKMPP = "rkmpp"
    DISABLED = "disabled"


class AudioCodec(StrEnum):
    MP3 = "mp3"
    AAC = "aac"
    OPUS = "opus"
    PCM_S16LE = "pcm_s16le"


class VideoContainer(StrEnum):
    MOV = "mov"
    MP4 = "mp4"
    OGG = "ogg"
    WEBM = "webm"


class VideoCodec(StrEnum):
    H264 = "h264"
    HEVC = "hevc"
    VP9 = "vp9"
    AV1 = "av1"


class CQMode(StrEnum):
    AUTO = "auto"
    CQP = "cqp"
    ICQ = "icq"


class HlsVideoResolution(IntEnum):
    """An integer enum in Immich (the extracted DTO file lists it empty)."""

    P480 = 480
    P720 = 720
    P1080 = 1080
    P1440 = 1440
    P2160 = 2160


class ToneMapping(StrEnum):
    HABLE = "hable"
    MOBIUS = "mobius"
    REINHARD = "reinhard"
    DISABLED = "disabled"


class TranscodePolicy(StrEnum):
    ALL = "all"
    OPTIMAL = "optimal"
    BITRATE = "bitrate"
    REQUIRED = "required"
    DISABLED = "disabled"


class ImageFormat(StrEnum):
    JPEG = "jpeg"
    WEBP = "webp"


class Colorspace(StrEnum):
    SRGB = "srgb"
    P3 = "p3"


class LogLevel(StrEnum):
    VERBOSE = "verbose"
    DEBUG = "debug"
    LOG = "log"
    WARN = "warn"
    ERROR = "error"
    FATAL = "fatal"


class ReleaseChannel(StrEnum):
    STABLE = "stable"
    RELEASE_CANDIDATE = "releaseCandidate"


class OAuthTokenEndpointAuthMethod(StrEnum):
    CLIENT_SECRET_POST = "client_secret_post"
    CLIENT_SECRET_BASIC = "client_secret_basic"
