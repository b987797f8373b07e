"""The file formats Albumen accepts, by extension, with their asset type and MIME type.

Immich 3.2.2's lists: clients (the CLI's crawl, the web's file picker) filter files with them, so an
extension missing here is a file that is never uploaded.
"""

from __future__ import annotations

import posixpath
from enum import StrEnum


class AssetType(StrEnum):
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"
    AUDIO = "AUDIO"
    OTHER = "OTHER"


RAW_IMAGE_MIME_TYPES = {
    ".3fr": "image/x-hasselblad-3fr", ".ari": "image/x-arriflex-ari", ".arw": "image/x-sony-arw",
    ".cap": "image/x-phaseone-cap", ".cin": "image/x-phantom-cin", ".cr2": "image/x-canon-cr2",
    ".cr3": "image/x-canon-cr3", ".crw": "image/x-canon-crw", ".dcr": "image/x-kodak-dcr",
    ".dng": "image/x-adobe-dng", ".erf": "image/x-epson-erf", ".fff": "image/x-hasselblad-fff",
    ".iiq": "image/x-phaseone-iiq", ".k25": "image/x-kodak-k25", ".kdc": "image/x-kodak-kdc",
    ".mrw": "image/x-minolta-mrw", ".nef": "image/x-nikon-nef", ".nrw": "image/x-nikon-nrw",
    ".orf": "image/x-olympus-orf", ".ori": "image/x-olympus-ori", ".pef": "image/x-pentax-pef",
    ".psd": "image/vnd.adobe.photoshop", ".raf": "image/x-fuji-raf", ".raw": "image/x-panasonic-raw",
    ".rw2": "image/x-panasonic-rw2", ".rwl": "image/x-leica-rwl", ".sr2": "image/x-sony-sr2",
    ".srf": "image/x-sony-srf", ".srw": "image/x-samsung-srw", ".x3f": "image/x-sigma-x3f",
}  # fmt: skip
IMAGE_MIME_TYPES = {
    ".avif": "image/avif", ".bmp": "image/bmp", ".gif": "image/gif", ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", **RAW_IMAGE_MIME_TYPES,
    ".heic": "image/heic", ".heif": "image/heif", ".hif": "image/heif", ".insp": "image/jpeg",
    ".jp2": "image/jp2", ".jpe": "image/jpeg", ".jxl": "image/jxl", ".mpo": "image/mpo",
    ".svg": "image/svg+xml", ".tif": "image/tiff", ".tiff": "image/tiff",
}  # fmt: skip
VIDEO_MIME_TYPES = {
    ".3gp": "video/3gpp", ".3gpp": "video/3gpp", ".avi": "video/x-msvideo", ".flv": "video/x-flv",
    ".insv": "video/mp4", ".m2t": "video/mp2t", ".m2ts": "video/mp2t", ".m4v": "video/x-m4v",
    ".mkv": "video/x-matroska", ".mov": "video/quicktime", ".mp4": "video/mp4", ".mpe": "video/mpeg",
    ".mpeg": "video/mpeg", ".mpg": "video/mpeg", ".mts": "video/mp2t", ".mxf": "application/mxf",
    ".ts": "video/mp2t", ".vob": "video/mpeg", ".webm": "video/webm", ".wmv": "video/x-ms-wmv",
}  # fmt: skip
SIDECAR_MIME_TYPES = {".xmp": "application/xml"}
#: MIME type by extension, as :func:`mime_type_of` answers (an image's first, then a video's).
MIME_TYPES = {**SIDECAR_MIME_TYPES, **VIDEO_MIME_TYPES, **IMAGE_MIME_TYPES}
UNKNOWN_MIME_TYPE = "application/octet-stream"

RAW_IMAGE_EXTENSIONS = tuple(RAW_IMAGE_MIME_TYPES)
IMAGE_EXTENSIONS = tuple(IMAGE_MIME_TYPES)
VIDEO_EXTENSIONS = tuple(VIDEO_MIME_TYPES)
SIDECAR_EXTENSIONS = tuple(SIDECAR_MIME_TYPES)


def extension_of(filename: str) -> str:
    return posixpath.splitext(filename.replace("\\", "/"))[1].lower()


def asset_type_of(filename: str) -> AssetType | None:
    """IMAGE or VIDEO by extension; None for a format Albumen does not accept."""
    extension = extension_of(filename)
    if extension in IMAGE_MIME_TYPES:
        return AssetType.IMAGE
    if extension in VIDEO_MIME_TYPES:
        return AssetType.VIDEO
    return None


def mime_type_of(filename: str) -> str:
    return MIME_TYPES.get(extension_of(filename), UNKNOWN_MIME_TYPE)


def is_raw(filename: str) -> bool:
    return extension_of(filename) in RAW_IMAGE_MIME_TYPES
