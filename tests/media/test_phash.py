"""Perceptual hashes: copies of a photo stay within MAX_DISTANCE bits, unrelated photos do not."""

from __future__ import annotations

import io
import itertools

from PIL import Image, ImageOps

from albumen.media.phash import MAX_DISTANCE, band_probes, bands, distance, phash_image
from tests.conftest import TESTDATA

NATURE = TESTDATA / "immich-test-assets" / "albums" / "nature"


def reencoded(image: Image.Image, scale: float, quality: int) -> Image.Image:
    smaller = image.resize((int(image.width * scale), int(image.height * scale)))
    buffer = io.BytesIO()
    smaller.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def test_resized_and_reencoded_copies_stay_close() -> None:
    for path in sorted(NATURE.glob("*.jpg")):
        with Image.open(path) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
        original = phash_image(upright)
        assert distance(original, phash_image(reencoded(upright, 0.5, 60))) <= 2
        assert distance(original, phash_image(reencoded(upright, 0.25, 30))) <= MAX_DISTANCE


def test_unrelated_photos_are_far_apart() -> None:
    hashes = [phash_image(Image.open(path)) for path in sorted(NATURE.glob("*.jpg"))]
    assert min(distance(a, b) for a, b in itertools.combinations(hashes, 2)) > 3 * MAX_DISTANCE


def test_every_hash_within_reach_shares_a_probed_band() -> None:
    value = -0x0123_4567_89AB_CDEF
    flipped = value ^ (1 << 3) ^ (1 << 20) ^ (1 << 21) ^ (1 << 40) ^ (1 << 41) ^ (1 << 63)
    assert distance(value, flipped) == MAX_DISTANCE
    probes = band_probes(value)
    assert any(band in probes[index] for index, band in enumerate(bands(flipped)))
    assert all(len(set(values)) == 17 and min(values) >= 0 and max(values) < 2**16 for values in probes)
