"""Android motion photos: a still image with a short video embedded at its end.

Detection and extraction follow Immich's MetadataService.applyMotionPhotos: Samsung HEICs expose the
video as the binary tag MotionPhotoVideo, Samsung JPEGs as EmbeddedVideoFile, and Google's format
describes it in the XMP container directory (or the older MicroVideoOffset) as the last `length`
bytes of the file before `padding`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from albumen.media.exiftool import ExifTool


@dataclass(frozen=True)
class MotionPhoto:
    """Where the embedded video is: a binary tag to extract with exiftool, or a byte range."""

    tag: str | None = None
    offset: int | None = None
    length: int | None = None


def _number(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def find_motion_photo(tags: Mapping[str, Any], file_size: int) -> MotionPhoto | None:
    """The embedded video of a motion photo, or None when the image has none."""
    is_motion_photo = bool(tags.get("MotionPhoto"))
    is_micro_video = bool(tags.get("MicroVideo"))
    if not (is_motion_photo or is_micro_video):
        return None

    length = padding = 0
    directory = tags.get("ContainerDirectory")
    if is_motion_photo and isinstance(directory, list):
        for entry in directory:
            item = entry.get("Item") if isinstance(entry, dict) else None
            if isinstance(item, dict) and item.get("Semantic") == "MotionPhoto":
                length, padding = _number(item.get("Length")), _number(item.get("Padding"))
                break
    offset = tags.get("MicroVideoOffset")
    if is_micro_video and isinstance(offset, int | float) and not isinstance(offset, bool):
        length = int(offset)

    # HEICs carry the EmbeddedVideo tags too, so MotionPhotoVideo has to be tried first.
    if tags.get("MotionPhotoVideo"):
        return MotionPhoto(tag="MotionPhotoVideo")
    if tags.get("EmbeddedVideoType") == "MotionPhoto_Data" and tags.get("EmbeddedVideoFile"):
        return MotionPhoto(tag="EmbeddedVideoFile")
    if length <= 0 or length + padding > file_size:
        return None
    return MotionPhoto(offset=file_size - length - padding, length=length)


def extract_motion_video(path: str | os.PathLike[str], motion: MotionPhoto, exiftool: ExifTool) -> bytes:
    """The embedded video's bytes (an MP4 in every format seen so far)."""
    if motion.tag is not None:
        return exiftool.extract_binary(path, motion.tag)
    if motion.offset is None or motion.length is None:
        return b""
    with open(path, "rb") as handle:
        handle.seek(motion.offset)
        return handle.read(motion.length)
