"""Decoding the image a client sent to ``/predict``.

The server sends its preview JPEG, already in display orientation, so nothing is rotated here (as in
Immich's service); any format Pillow reads is accepted and converted to 8-bit RGB.
"""

from __future__ import annotations

from functools import cached_property
from io import BytesIO

import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from albumen.ml.models.base import ModelError

Image.MAX_IMAGE_PIXELS = 200_000_000


class DecodedImage:
    """One RGB image with the array views the models need, computed once."""

    def __init__(self, image: Image.Image) -> None:
        self.pil = image if image.mode == "RGB" else image.convert("RGB")

    @property
    def width(self) -> int:
        return self.pil.width

    @property
    def height(self) -> int:
        return self.pil.height

    @cached_property
    def rgb(self) -> NDArray[np.uint8]:
        return np.asarray(self.pil, dtype=np.uint8)

    @cached_property
    def bgr(self) -> NDArray[np.uint8]:
        return np.ascontiguousarray(self.rgb[:, :, ::-1])


def decode_image(data: bytes) -> DecodedImage:
    """Decode ``data``; an empty or unreadable image is the client's error (400)."""
    if not data:
        raise ModelError("Image is empty", 400)
    image: Image.Image
    try:
        image = Image.open(BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ModelError(f"Invalid image: {error}", 400) from error
    if image.width == 0 or image.height == 0:
        raise ModelError("Image has zero size", 400)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    elif image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = Image.fromarray(_to_uint8(np.asarray(image)))
    return DecodedImage(image)


def _to_uint8(values: NDArray[np.generic]) -> NDArray[np.uint8]:
    as_float = values.astype(np.float64)
    high = float(as_float.max()) if as_float.size else 0.0
    scale = 255.0 / high if high > 255 else 1.0
    return np.clip(as_float * scale, 0, 255).astype(np.uint8)
