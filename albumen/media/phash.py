"""A 64-bit perceptual hash (pHash): the signs of an image's lowest 8x8 DCT frequencies.

Re-encoding, resizing and stripping metadata barely move those frequencies, so copies of a photo land
within a few bits of each other while unrelated photos differ in about half of the 64. It needs no
model, so duplicate detection works without the machine-learning service.

Finding neighbours among millions uses the pigeonhole principle: the hash is cut into four 16-bit
bands; two hashes within :data:`MAX_DISTANCE` (< 8) bits differ in at most one bit in some band, so
every match shares a band value with one of the 17 probes of that band (the value and its 16
one-bit flips) -- indexed equality lookups instead of a scan.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

HASH_SIDE = 32
LOW_FREQUENCIES = 8
BANDS = 4
BAND_BITS = 16
#: Bits two previews may differ in and still count as the same photo. Measured on the test photos:
#: re-encoded (quality 60), halved and stripped copies differ by 0-2 bits, the same photo
#: rotated by EXIF by 6, unrelated photos by 22 or more.
MAX_DISTANCE = 6


def phash_image(image: Image.Image) -> int:
    """The hash as a signed 64-bit integer (it is stored in a ``bigint``)."""
    # Imported here: the API process imports this module (for ``bands``) but never hashes.
    import numpy as np
    from scipy.fft import dctn

    gray = (
        ImageOps.exif_transpose(image).convert("L").resize((HASH_SIDE, HASH_SIDE), Image.Resampling.LANCZOS)
    )
    pixels = np.asarray(gray, dtype=np.float64)
    low = dctn(pixels, type=2, norm="ortho")[:LOW_FREQUENCIES, :LOW_FREQUENCIES].ravel()
    # The DC term is the mean brightness: leave it out of the median so it doesn't skew the split.
    bits = low > np.median(low[1:])
    return int.from_bytes(np.packbits(bits).tobytes(), "big", signed=True)


def phash_file(path: str) -> int:
    """pHash of an image file (a thumbnail or preview); picklable for the worker's process pool."""
    with Image.open(Path(path)) as image:
        image.draft("L", (HASH_SIDE * 4, HASH_SIDE * 4))
        return phash_image(image)


def distance(first: int, second: int) -> int:
    """Hamming distance between two hashes."""
    return ((first ^ second) & 0xFFFF_FFFF_FFFF_FFFF).bit_count()


def bands(value: int) -> list[int]:
    """The four 16-bit bands of a hash, lowest first."""
    unsigned = value & 0xFFFF_FFFF_FFFF_FFFF
    return [(unsigned >> (BAND_BITS * index)) & 0xFFFF for index in range(BANDS)]


def band_probes(value: int) -> list[list[int]]:
    """Per band, the band's value and every value one bit away from it."""
    return [[band, *(band ^ (1 << bit) for bit in range(BAND_BITS))] for band in bands(value)]
