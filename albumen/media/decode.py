"""Decode any supported still image once, oriented and 8-bit, never bigger than it needs to be.

Pillow is the decoder (see docs/decisions/thumbnails.md): libjpeg-turbo with DCT-domain
downscaling ("draft") for JPEG, pillow-heif (libheif + libde265) for HEIC/HEIF, Pillow's own
libavif for AVIF, pillow-jxl-plugin (libjxl) for JPEG XL, and rawpy (LibRaw) for camera RAW.
"""

from __future__ import annotations

import io
import math
import os
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pillow_heif
import pillow_jxl  # noqa: F401  (registers the JPEG XL plugin with Pillow)
from PIL import Image, UnidentifiedImageError

from albumen.media.errors import CorruptMediaError, MediaError, MediaTooLargeError, UnsupportedMediaError
from albumen.media.limits import DEFAULT_LIMITS, MediaLimits, check_dimensions

pillow_heif.register_heif_opener()
# Our own MediaLimits check runs on every header before decoding; Pillow's global guard would
# otherwise refuse images between its fixed 179 MP and whatever limit the admin configured.
Image.MAX_IMAGE_PIXELS = None

# Immich's list of RAW extensions (server/src/utils/mime-types.ts). TIFF-based RAWs would
# otherwise open in Pillow as their tiny first-IFD thumbnail.
RAW_EXTENSIONS = frozenset(
    [
        ".3fr",
        ".ari",
        ".arw",
        ".cap",
        ".cin",
        ".cr2",
        ".cr3",
        ".crw",
        ".dcr",
        ".dng",
        ".erf",
        ".fff",
        ".iiq",
        ".k25",
        ".kdc",
        ".mrw",
        ".nef",
        ".nrw",
        ".orf",
        ".ori",
        ".pef",
        ".raf",
        ".raw",
        ".rw2",
        ".rwl",
        ".sr2",
        ".srf",
        ".srw",
        ".x3f",
    ]
)
# Formats whose decoder already applied the container's rotation (HEIF irot/imir, libjxl's
# default), so an EXIF orientation left in their metadata must not be applied a second time.
_SELF_ORIENTING = frozenset({"HEIF", "JXL"})
# EXIF orientation -> the transpose that makes the image upright.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# LibRaw's ``flip`` expressed as the EXIF orientation that undoes it.
_LIBRAW_FLIP_TO_EXIF = {0: 1, 3: 3, 5: 8, 6: 6}


@dataclass
class DecodedImage:
    """Oriented pixels (RGB, RGBA or CMYK) plus what colour management and callers need."""

    image: Image.Image
    icc_profile: bytes | None
    source_format: str
    full_width: int
    full_height: int

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


@contextmanager
def _decoder_errors(path: Path) -> Iterator[None]:
    """Turn the many ways a decoder fails into one typed, readable error."""
    name = path.name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except MediaError:
        raise
    except UnidentifiedImageError as error:
        if _has_image_signature(path):
            raise CorruptMediaError(f"{name}: cannot decode image (damaged or truncated)") from error
        raise UnsupportedMediaError(f"{name}: not a supported image format") from error
    except Image.DecompressionBombError as error:
        raise MediaTooLargeError(f"{name}: {error}") from error
    except MemoryError as error:
        raise MediaTooLargeError(f"{name}: out of memory while decoding") from error
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        IndexError,
        KeyError,
        TypeError,
        RuntimeError,
    ) as error:
        reason = str(error) or type(error).__name__
        raise CorruptMediaError(f"{name}: cannot decode image ({reason})") from error


_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"II*\0", b"MM\0*", b"\xff\x0a", b"\0\0\0\x0cJXL ")
_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1", b"avif", b"avis")


def _has_image_signature(path: Path) -> bool:
    """Whether the first bytes name a format we decode, to tell "damaged" from "not an image"."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(16)
    except OSError:
        return False
    if head.startswith(_SIGNATURES):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    return head[4:8] == b"ftyp" and head[8:12] in _BRANDS


def _orientation_of(image: Image.Image) -> int | None:
    if image.format in _SELF_ORIENTING:
        return 1
    value = image.getexif().get(0x0112)
    return int(value) if isinstance(value, int) and 1 <= value <= 8 else None


def _check_boxes_complete(stream: io.BufferedIOBase | io.BytesIO, name: str) -> None:
    """Refuse an ISO-BMFF file (HEIF, AVIF) whose top-level boxes run past its end.

    libheif decodes a truncated grid image "successfully", painting the missing tiles green, so
    truncation has to be caught here: every top-level box must fit inside the file.
    """
    end = stream.seek(0, io.SEEK_END)
    position = 0
    while position < end:
        stream.seek(position)
        header = stream.read(16)
        if len(header) < 8:
            raise CorruptMediaError(f"{name}: file is truncated")
        size = struct.unpack(">I", header[:4])[0]
        if size == 1 and len(header) == 16:
            size = struct.unpack(">Q", header[8:16])[0]
        elif size == 0:
            break  # the last box extends to the end of the file
        if size < 8 or position + size > end:
            raise CorruptMediaError(f"{name}: file is truncated")
        position += size
    stream.seek(0)


def _draft_size(width: int, height: int, short_side: int) -> tuple[int, int]:
    scale = short_side / min(width, height)
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _normalise_mode(image: Image.Image) -> Image.Image:
    """8-bit RGB/RGBA (CMYK is kept for its ICC transform)."""
    mode = image.mode
    if mode in ("RGB", "RGBA", "CMYK"):
        return image
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit greyscale: Pillow's own conversion clips at 255 instead of scaling.
        peak = 65535 if mode != "I" or (image.getextrema()[1] or 0) > 255 else 255  # type: ignore[operator]
        return image.point(lambda v: v * (255 / peak), "L").convert("RGB")
    if mode == "F":
        return image.convert("L").convert("RGB")
    if mode in ("LA", "La", "PA", "RGBa") or (mode == "P" and "transparency" in image.info):
        return image.convert("RGBA")
    return image.convert("RGB")


def _open_pillow(
    source: Path | io.BytesIO,
    path: Path,
    short_side: int | None,
    orientation: int | None,
    limits: MediaLimits,
) -> DecodedImage:
    with _decoder_errors(path), open(source, "rb") if isinstance(source, Path) else source as stream:
        # We own the stream, so closing it never invalidates the loaded pixels (Image.close would).
        image: Any = Image.open(stream)
        check_dimensions(image.width, image.height, limits)
        full_w, full_h = image.size
        source_format = str(image.format or "UNKNOWN")
        own_orientation = _orientation_of(image)
        if source_format in ("HEIF", "AVIF"):
            _check_boxes_complete(stream, path.name)
        if short_side is not None and source_format == "JPEG" and min(full_w, full_h) > short_side:
            image.draft(None, _draft_size(full_w, full_h, short_side))
        image.load()
        icc = image.info.get("icc_profile") or None
        pixels = _normalise_mode(image)
        effective = own_orientation if own_orientation is not None else (orientation or 1)
        if effective != 1:
            pixels = pixels.transpose(_TRANSPOSE[effective])
            if effective >= 5:
                full_w, full_h = full_h, full_w
        if pixels.mode == "L" or (icc and pixels.mode not in ("RGB", "RGBA", "CMYK")):
            icc = None
        return DecodedImage(pixels, icc, source_format, full_w, full_h)


def _open_raw(
    path: Path, short_side: int | None, orientation: int | None, extract_embedded: bool, limits: MediaLimits
) -> DecodedImage:
    try:
        import rawpy
    except ImportError as error:  # pragma: no cover - rawpy is a dependency
        raise UnsupportedMediaError(f"{path.name}: RAW support (rawpy) is not installed") from error
    try:
        raw = rawpy.imread(str(path))
    except (rawpy.LibRawError, OSError, ValueError) as error:
        raise CorruptMediaError(f"{path.name}: cannot read RAW file ({error})") from error
    with raw:
        check_dimensions(raw.sizes.width, raw.sizes.height, limits)
        raw_orientation = _LIBRAW_FLIP_TO_EXIF.get(raw.sizes.flip, orientation or 1)
        if extract_embedded and short_side is not None:
            preview = _embedded_preview(raw, path, short_side, raw_orientation, limits)
            if preview is not None:
                return preview
        try:
            half = short_side is not None and min(raw.sizes.width, raw.sizes.height) // 2 >= short_side
            rgb = raw.postprocess(use_camera_wb=True, half_size=half, output_bps=8)
        except (rawpy.LibRawError, MemoryError, ValueError) as error:
            raise CorruptMediaError(f"{path.name}: cannot decode RAW data ({error})") from error
    image = Image.fromarray(rgb)
    return DecodedImage(image, None, "RAW", image.width, image.height)


def _embedded_preview(
    raw: Any, path: Path, short_side: int, orientation: int, limits: MediaLimits
) -> DecodedImage | None:
    """The camera's own JPEG, when it is at least the preview size (Immich's extractEmbedded)."""
    import rawpy

    try:
        thumb = raw.extract_thumb()
    except (rawpy.LibRawError, ValueError):
        return None
    if thumb.format != rawpy.ThumbFormat.JPEG:
        return None
    try:
        decoded = _open_pillow(io.BytesIO(thumb.data), path, short_side, orientation, limits)
    except MediaError:
        return None
    if min(decoded.full_width, decoded.full_height) < short_side:
        return None
    decoded.source_format = "RAW"
    return decoded


def decode_image(
    path: str | os.PathLike[str],
    *,
    short_side: int | None = None,
    orientation: int | None = None,
    extract_embedded: bool = False,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> DecodedImage:
    """Decode ``path`` upright, at least ``short_side`` px on its shorter side when possible.

    ``short_side`` None decodes at full resolution; otherwise JPEG (and half-size RAW) decoding
    skips detail the largest output cannot show. ``orientation`` is the EXIF orientation from
    metadata extraction; it is used only when the file carries none of its own (an embedded RAW
    preview, say), mirroring Immich, which rotates by what the decoder reports. Raises a
    ``MediaError`` subclass for empty, truncated, hostile or unsupported files.
    """
    file_path = Path(path)
    try:
        size = file_path.stat().st_size
    except OSError as error:
        raise CorruptMediaError(f"{file_path.name}: cannot read file ({error.strerror})") from error
    if size == 0:
        raise CorruptMediaError(f"{file_path.name}: file is empty")
    if file_path.suffix.lower() in RAW_EXTENSIONS:
        return _open_raw(file_path, short_side, orientation, extract_embedded, limits)
    return _open_pillow(file_path, file_path, short_side, orientation, limits)


def is_raw(path: str | os.PathLike[str]) -> bool:
    """Whether Immich would treat this file name as camera RAW."""
    return Path(path).suffix.lower() in RAW_EXTENSIONS
