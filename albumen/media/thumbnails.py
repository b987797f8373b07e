"""Thumbnail, preview, fullsize and thumbhash for one image, the way Immich makes them.

One decode feeds every output: the largest one is resized from the decoded pixels and each
smaller one from the previous, so a 12 MP JPEG is decoded once at 1/2 scale and never again.
Sizes follow Immich's ``resize(size, size, {fit: 'outside', withoutEnlargement: true})``: the
*shorter* side becomes ``size`` (a 4000x3000 photo gives a 333x250 thumbnail and a 1920x1440
preview), and nothing is ever enlarged.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from albumen.media.colour import P3_ICC, Colorspace, convert_to, is_srgb
from albumen.media.decode import DecodedImage, decode_image
from albumen.media.errors import CorruptMediaError
from albumen.media.limits import DEFAULT_LIMITS, MediaLimits
from albumen.media.thumbhash import image_to_thumbhash

# Immich's isWebSupportedImage: browsers show these originals, so no fullsize copy is made.
WEB_SUPPORTED_EXTENSIONS = frozenset({".avif", ".gif", ".jpeg", ".jpg", ".png", ".webp"})


@dataclass(frozen=True)
class OutputConfig:
    """One generated image: Immich's ``image.thumbnail`` / ``image.preview`` / ``image.fullsize``."""

    format: str
    quality: int
    size: int = 0
    progressive: bool = False
    enabled: bool = True

    @classmethod
    def from_immich(cls, section: Mapping[str, Any] | None, default: OutputConfig) -> OutputConfig:
        data = section or {}
        return cls(
            format=str(data.get("format", default.format)).lower(),
            quality=int(data.get("quality", default.quality)),
            size=int(data.get("size", default.size)),
            progressive=bool(data.get("progressive", default.progressive)),
            enabled=bool(data.get("enabled", default.enabled)),
        )


@dataclass(frozen=True)
class ImageConfig:
    """Immich's ``image`` config section, with Immich's defaults for anything missing."""

    thumbnail: OutputConfig = OutputConfig("webp", 80, size=250)
    preview: OutputConfig = OutputConfig("jpeg", 80, size=1440)
    fullsize: OutputConfig = OutputConfig("jpeg", 80, enabled=False)
    colorspace: Colorspace = Colorspace.P3
    extract_embedded: bool = False

    @classmethod
    def from_immich(cls, section: Mapping[str, Any] | None) -> ImageConfig:
        data = section or {}
        defaults = cls()
        return cls(
            thumbnail=OutputConfig.from_immich(data.get("thumbnail"), defaults.thumbnail),
            preview=OutputConfig.from_immich(data.get("preview"), defaults.preview),
            fullsize=OutputConfig.from_immich(data.get("fullsize"), defaults.fullsize),
            colorspace=Colorspace(data.get("colorspace", defaults.colorspace)),
            extract_embedded=bool(data.get("extractEmbedded", defaults.extract_embedded)),
        )


@dataclass(frozen=True)
class GeneratedImage:
    path: Path
    format: str
    width: int
    height: int


@dataclass(frozen=True)
class ThumbnailResult:
    """What the thumbnail job stores: the files, the thumbhash, and the upright source size."""

    thumbnail: GeneratedImage
    preview: GeneratedImage
    thumbhash: bytes
    colorspace: Colorspace
    width: int
    height: int
    source_format: str
    fullsize: GeneratedImage | None = None


def _config(config: ImageConfig | Mapping[str, Any] | None) -> ImageConfig:
    return config if isinstance(config, ImageConfig) else ImageConfig.from_immich(config)


def outside_size(width: int, height: int, size: int) -> tuple[int, int]:
    """Dimensions after Immich's fit-outside resize: the shorter side becomes ``size``."""
    shorter = min(width, height)
    if size <= 0 or shorter <= size:
        return width, height
    scale = size / shorter
    if width <= height:
        return size, max(1, int(height * scale + 0.5))
    return max(1, int(width * scale + 0.5)), size


def _resize(image: Image.Image, size: int) -> Image.Image:
    target = outside_size(image.width, image.height, size)
    if target == image.size:
        return image
    # Big reductions: box-reduce to within 2x, then Lanczos (Pillow's reducing_gap). A slight
    # one (a 1/2-scale JPEG draft down to 1440 px) gains nothing visible from Lanczos's wider
    # kernel, and bicubic is about twice as fast there.
    mild = image.width / target[0] < 2
    resample = Image.Resampling.BICUBIC if mild else Image.Resampling.LANCZOS
    if image.mode == "RGBA":
        # Resampling straight RGBA bleeds the colour of transparent pixels into the edges.
        premultiplied = image.convert("RGBa")
        return premultiplied.resize(target, resample, reducing_gap=2.0).convert("RGBA")
    return image.resize(target, resample, reducing_gap=2.0)


def _drop_opaque_alpha(image: Image.Image) -> Image.Image:
    if image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
        return image.convert("RGB")
    return image


def _save(image: Image.Image, path: Path, output: OutputConfig, icc: bytes | None) -> GeneratedImage:
    """Encode to a temporary name beside ``path`` and rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    options: dict[str, Any] = {"quality": output.quality}
    if icc:
        options["icc_profile"] = icc
    if output.format == "jpeg":
        if image.mode == "RGBA":
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(image, mask=image.getchannel("A"))
            image = background
        # Immich asks for 4:4:4 chroma at quality >= 80 (sharp's default threshold is 90).
        options.update(subsampling=0 if output.quality >= 80 else 2, progressive=output.progressive)
        pil_format = "JPEG"
    elif output.format == "webp":
        options.update(method=4)
        pil_format = "WEBP"
    else:
        raise ValueError(f"Unsupported output format {output.format!r}")
    try:
        image.save(temporary, pil_format, **options)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return GeneratedImage(path, output.format, image.width, image.height)


def thumbnails_from_decoded(
    decoded: DecodedImage,
    config: ImageConfig | Mapping[str, Any] | None,
    *,
    thumbnail_path: str | os.PathLike[str],
    preview_path: str | os.PathLike[str],
    fullsize_path: str | os.PathLike[str] | None = None,
) -> ThumbnailResult:
    """Write every output from pixels already decoded (an image, a RAW, a video poster)."""
    cfg = _config(config)
    # Immich converts only non-sRGB sources to the configured space; sRGB stays sRGB.
    target = Colorspace.SRGB if is_srgb(decoded.icc_profile) else cfg.colorspace
    embedded_icc = P3_ICC if target is Colorspace.P3 else None
    source = decoded.image
    converted = False
    fullsize: GeneratedImage | None = None
    if fullsize_path is not None:
        source = _drop_opaque_alpha(convert_to(source, decoded.icc_profile, target))
        converted = True
        fullsize = _save(source, Path(fullsize_path), cfg.fullsize, embedded_icc)

    outputs = sorted(
        [("preview", cfg.preview, Path(preview_path)), ("thumbnail", cfg.thumbnail, Path(thumbnail_path))],
        key=lambda item: item[1].size,
        reverse=True,
    )
    generated: dict[str, GeneratedImage] = {}
    smallest = source
    for name, output, path in outputs:
        smallest = _resize(smallest, output.size)
        if not converted:
            # Colour-convert after the first shrink: same result, a fraction of the pixels.
            smallest = _drop_opaque_alpha(convert_to(smallest, decoded.icc_profile, target))
            converted = True
        generated[name] = _save(smallest, path, output, embedded_icc)
    thumbhash = image_to_thumbhash(smallest)
    return ThumbnailResult(
        thumbnail=generated["thumbnail"],
        preview=generated["preview"],
        fullsize=fullsize,
        thumbhash=thumbhash,
        colorspace=target,
        width=decoded.full_width,
        height=decoded.full_height,
        source_format=decoded.source_format,
    )


def generate_thumbnails(
    path: str | os.PathLike[str],
    orientation: int | None,
    config: ImageConfig | Mapping[str, Any] | None,
    *,
    thumbnail_path: str | os.PathLike[str],
    preview_path: str | os.PathLike[str],
    fullsize_path: str | os.PathLike[str] | None = None,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> ThumbnailResult:
    """Decode ``path`` once and write its thumbnail, preview and (if asked) fullsize image.

    ``config`` is Immich's ``image`` section (or an ImageConfig). A fullsize JPEG is written only
    when ``image.fullsize.enabled``, a ``fullsize_path`` is given and the original is not a
    format browsers show (Immich's rule). ``orientation`` is the metadata's EXIF orientation,
    used only for files that carry none themselves. Raises a ``MediaError`` subclass when the
    file cannot be decoded.
    """
    cfg = _config(config)
    want_fullsize = (
        fullsize_path is not None
        and cfg.fullsize.enabled
        and Path(path).suffix.lower() not in WEB_SUPPORTED_EXTENSIONS
    )
    largest = max(cfg.preview.size, cfg.thumbnail.size)
    decoded = decode_image(
        path,
        short_side=None if want_fullsize or largest <= 0 else largest,
        orientation=orientation,
        extract_embedded=cfg.extract_embedded,
        limits=limits,
    )
    if decoded.width == 0 or decoded.height == 0:
        raise CorruptMediaError(f"{Path(path).name}: decoded to an empty image")
    return thumbnails_from_decoded(
        decoded,
        cfg,
        thumbnail_path=thumbnail_path,
        preview_path=preview_path,
        fullsize_path=fullsize_path if want_fullsize else None,
    )
