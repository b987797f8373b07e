"""The pipeline's work that runs in the worker's process pool, never on the API's event loop.

Each function is module level and takes and returns plain picklable values, because the pool pickles
it by name. Importing this module pulls in only ``albumen.media``, so pool processes start light.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import multiprocessing
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from albumen.media.exiftool import get_exiftool
from albumen.media.ffprobe import VideoInfo, probe
from albumen.media.metadata import ExtractedMetadata, extract_metadata
from albumen.media.motion_photos import MotionPhoto, extract_motion_video
from albumen.media.thumbnails import ThumbnailResult, generate_thumbnails
from albumen.media.transcode import TranscodeTarget
from albumen.media.video import generate_video_thumbnails, transcode

#: Niceness of the pool processes (and the exiftool/ffmpeg they start): the kernel then gives the API
#: process the CPU first, so requests stay fast while an import keeps every core busy.
POOL_NICENESS = 10
_lowered = False


def _background_priority() -> None:
    global _lowered
    if not _lowered and multiprocessing.parent_process() is not None:
        with contextlib.suppress(OSError):
            os.nice(POOL_NICENESS)
    _lowered = True


def read_metadata(
    path: str,
    sidecar_path: str | None,
    file_created_at: datetime | None,
    reverse_geocoding: bool,
) -> ExtractedMetadata:
    """``extract_metadata`` with this pool process's own exiftool; the raw tags stay here."""
    _background_priority()
    metadata = extract_metadata(
        path, sidecar_path, file_created_at=file_created_at, reverse_geocoding=reverse_geocoding
    )
    return dataclasses.replace(metadata, raw_tags={})


def probe_video(path: str) -> VideoInfo:
    _background_priority()
    return probe(path)


@dataclass(frozen=True)
class SavedVideo:
    """An embedded motion-photo video written to ``path``: its SHA-1 and size."""

    path: str
    sha1: bytes
    size: int


def save_motion_video(path: str, motion: MotionPhoto, destination: str) -> SavedVideo | None:
    """Write the video embedded in a motion photo to ``destination`` (fsynced); None when it is empty."""
    _background_priority()
    video = extract_motion_video(path, motion, get_exiftool())
    if not video:
        return None
    target = Path(destination)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(video)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return SavedVideo(str(target), hashlib.sha1(video).digest(), len(video))


def image_thumbnails(
    path: str,
    orientation: int | None,
    image_config: dict[str, Any],
    thumbnail_path: str,
    preview_path: str,
    fullsize_path: str | None,
) -> ThumbnailResult:
    _background_priority()
    return generate_thumbnails(
        path,
        orientation,
        image_config,
        thumbnail_path=thumbnail_path,
        preview_path=preview_path,
        fullsize_path=fullsize_path,
    )


def video_thumbnails(
    path: str, image_config: dict[str, Any], thumbnail_path: str, preview_path: str
) -> ThumbnailResult:
    _background_priority()
    info = probe(path)
    return generate_video_thumbnails(
        path, info, image_config, thumbnail_path=thumbnail_path, preview_path=preview_path
    )


def encode_video(path: str, info: VideoInfo, ffmpeg_config: dict[str, Any], out_path: str) -> TranscodeTarget:
    _background_priority()
    return transcode(path, info, ffmpeg_config, out_path)
