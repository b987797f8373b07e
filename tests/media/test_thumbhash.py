"""ThumbHash bytes must equal what the reference JavaScript (the npm package Immich uses) writes."""

from __future__ import annotations

import base64
import hashlib
import math
import time

import pytest
from PIL import Image

from albumen.media.thumbhash import (
    image_to_thumbhash,
    rgba_to_thumbhash,
    thumbhash_aspect_ratio,
    thumbhash_to_rgba,
)
from tests.conftest import TESTDATA


def synthetic(width: int, height: int, alpha: bool) -> bytes:
    pixels = bytearray()
    for y in range(height):
        for x in range(width):
            blue = int(127 + 127 * math.sin(x / 7.0) * math.cos(y / 5.0))
            opacity = min(255, (x + y) * 255 // (width + height - 2) + 40) if alpha else 255
            pixels += bytes([x * 255 // (width - 1), y * 255 // (height - 1), blue, opacity])
    return bytes(pixels)


# Expected values were produced by thumbhash@0.1.1 from npm (rgbaToThumbHash / thumbHashToRGBA)
# on the same synthetic pixels; the decoded-pixel column is the sha256 prefix of its RGBA output.
VECTORS = [
    (100, 75, False, "3wcKPZqAh3dwd4eIiHh3iHCAB/h3", (32, 23), "06a6ca337d6cc6b7"),
    (60, 100, True, "YuiFIxIqkKCneIiAoQn5aHN3cHiHd3c=", (19, 32), "21e53864ee9b6c40"),
    (32, 32, False, "3wcKPxpwd4eAd3eqdXeHeId3Bwg3gI8H", (32, 32), "21ebd35301aa3396"),
]


@pytest.mark.parametrize(("width", "height", "alpha", "expected", "decoded_size", "decoded_digest"), VECTORS)
def test_encoding_and_decoding_match_the_reference_implementation(
    width: int, height: int, alpha: bool, expected: str, decoded_size: tuple[int, int], decoded_digest: str
) -> None:
    encoded = rgba_to_thumbhash(width, height, synthetic(width, height, alpha))

    assert base64.b64encode(encoded).decode() == expected
    decoded_width, decoded_height, rgba = thumbhash_to_rgba(encoded)
    assert (decoded_width, decoded_height) == decoded_size
    assert hashlib.sha256(rgba).hexdigest()[:16] == decoded_digest


def test_aspect_ratio_survives_the_round_trip() -> None:
    assert thumbhash_aspect_ratio(rgba_to_thumbhash(100, 50, synthetic(100, 50, False))) == pytest.approx(
        2, rel=0.2
    )
    assert thumbhash_aspect_ratio(rgba_to_thumbhash(50, 100, synthetic(50, 100, False))) == pytest.approx(
        0.5, rel=0.2
    )


def test_a_solid_colour_decodes_back_to_that_colour() -> None:
    encoded = image_to_thumbhash(Image.new("RGB", (400, 300), (200, 60, 30)))

    _, _, rgba = thumbhash_to_rgba(encoded)
    red, green, blue, opacity = rgba[:4]
    assert abs(red - 200) < 12 and abs(green - 60) < 12 and abs(blue - 30) < 12 and opacity == 255


def test_large_images_are_shrunk_to_fit_100_px_first() -> None:
    encoded = image_to_thumbhash(Image.new("RGB", (4000, 3000), (10, 120, 200)))

    assert len(encoded) >= 5
    assert thumbhash_aspect_ratio(encoded) == pytest.approx(4 / 3, rel=0.1)


def test_oversized_input_is_refused() -> None:
    with pytest.raises(ValueError, match="doesn't fit"):
        rgba_to_thumbhash(101, 10, bytes(101 * 10 * 4))


def test_encoding_a_photo_is_fast() -> None:
    photo = Image.open(TESTDATA / "immich-test-assets/albums/nature/prairie_falcon.jpg").convert("RGBA")
    photo.thumbnail((100, 100))
    pixels = photo.tobytes()
    start = time.perf_counter()
    for _ in range(20):
        rgba_to_thumbhash(photo.width, photo.height, pixels)
    assert (time.perf_counter() - start) / 20 < 0.01
