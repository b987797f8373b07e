"""ThumbHash (https://evanw.github.io/thumbhash/): the placeholder bytes Immich stores per asset.

The encoder follows the reference ``rgbaToThumbHash`` bit for bit (JavaScript rounding, the same
DCT coefficient order), with the per-pixel loops done as numpy matrix products so a 100 px
image encodes in well under a millisecond. The decoder exists for tests and tools.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PIL import Image

MAX_SIDE = 100


def _js_round(value: float) -> int:
    # JavaScript's Math.round rounds halves up; Python's round() would round them to even.
    return math.floor(value + 0.5)


def _dct_fast(channel: np.ndarray, nx: int, ny: int) -> np.ndarray:
    h, w = channel.shape
    cos_x = np.cos(np.pi / w * np.outer(np.arange(nx), np.arange(w) + 0.5))
    cos_y = np.cos(np.pi / h * np.outer(np.arange(ny), np.arange(h) + 0.5))
    result: np.ndarray = cos_y @ channel @ cos_x.T / (w * h)
    return result


def _dct_reference(channel: list[list[float]], nx: int, ny: int) -> np.ndarray:
    h, w = len(channel), len(channel[0])
    out = np.zeros((ny, nx))
    for cy in range(ny):
        cx = 0
        while cx * ny < nx * (ny - cy):
            fx = [math.cos(math.pi / w * cx * (x + 0.5)) for x in range(w)]
            total = 0.0
            for y in range(h):
                fy = math.cos(math.pi / h * cy * (y + 0.5))
                row = channel[y]
                for x in range(w):
                    total += row[x] * fx[x] * fy
            out[cy, cx] = total / (w * h)
            cx += 1
    return out


def _split(coefficients: np.ndarray, nx: int, ny: int) -> tuple[float, list[float], float]:
    dc = 0.0
    ac: list[float] = []
    scale = 0.0
    for cy in range(ny):
        cx = 0
        while cx * ny < nx * (ny - cy):
            value = float(coefficients[cy, cx])
            if cx or cy:
                ac.append(value)
                scale = max(scale, abs(value))
            else:
                dc = value
            cx += 1
    if scale:
        ac = [0.5 + 0.5 / scale * value for value in ac]
    return dc, ac, scale


class _KnifeEdge(Exception):
    """A quantised value sits on a rounding boundary, so float noise decides the byte."""


def _lpqa_fast(width: int, height: int, rgba: bytes) -> tuple[list[np.ndarray], float, bool]:
    pixels = np.frombuffer(rgba, dtype=np.uint8).reshape(height, width, 4).astype(np.float64)
    alpha = pixels[..., 3] / 255
    weighted = (alpha / 255)[..., None] * pixels[..., :3]
    total_alpha = float(alpha.sum())
    average = weighted.reshape(-1, 3).sum(axis=0)
    if total_alpha:
        average = average / total_alpha
    rgb = average * (1 - alpha)[..., None] + weighted
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return [(r + g + b) / 3, (r + g) / 2 - b, r - g, alpha], total_alpha, total_alpha < width * height


def _lpqa_reference(width: int, height: int, rgba: bytes) -> tuple[list[list[list[float]]], float, bool]:
    count = width * height
    avg_r = avg_g = avg_b = avg_a = 0.0
    for j in range(0, count * 4, 4):
        alpha = rgba[j + 3] / 255
        avg_r += alpha / 255 * rgba[j]
        avg_g += alpha / 255 * rgba[j + 1]
        avg_b += alpha / 255 * rgba[j + 2]
        avg_a += alpha
    if avg_a:
        avg_r, avg_g, avg_b = avg_r / avg_a, avg_g / avg_a, avg_b / avg_a
    planes: list[list[list[float]]] = [[], [], [], []]
    for y in range(height):
        rows: list[list[float]] = [[], [], [], []]
        for x in range(width):
            j = (y * width + x) * 4
            alpha = rgba[j + 3] / 255
            r = avg_r * (1 - alpha) + alpha / 255 * rgba[j]
            g = avg_g * (1 - alpha) + alpha / 255 * rgba[j + 1]
            b = avg_b * (1 - alpha) + alpha / 255 * rgba[j + 2]
            for row, value in zip(rows, ((r + g + b) / 3, (r + g) / 2 - b, r - g, alpha), strict=True):
                row.append(value)
        for plane, finished in zip(planes, rows, strict=True):
            plane.append(finished)
    return planes, avg_a, avg_a < count


def _encode(width: int, height: int, rgba: bytes, reference: bool) -> bytes:
    planes: list[Any]
    if reference:
        planes, _, has_alpha = _lpqa_reference(width, height, rgba)
        dct: Any = _dct_reference
    else:
        planes, _, has_alpha = _lpqa_fast(width, height, rgba)
        dct = _dct_fast
    l_limit = 5 if has_alpha else 7
    longest = max(width, height)
    lx = max(1, _js_round(l_limit * width / longest))
    ly = max(1, _js_round(l_limit * height / longest))
    sizes = [(max(3, lx), max(3, ly)), (3, 3), (3, 3), (5, 5)]
    channels = [
        _split(dct(plane, nx, ny), nx, ny) for plane, (nx, ny) in zip(planes[:3], sizes, strict=False)
    ]
    if has_alpha:
        channels.append(_split(dct(planes[3], 5, 5), 5, 5))
    (l_dc, _, l_scale), (p_dc, _, p_scale), (q_dc, _, q_scale) = channels[:3]
    quantised = [63 * l_dc, 31.5 + 31.5 * p_dc, 31.5 + 31.5 * q_dc, 31 * l_scale, 63 * p_scale, 63 * q_scale]
    quantised += [15 * value for _, ac, _ in channels for value in ac]
    if has_alpha:
        quantised += [15 * channels[3][0], 15 * channels[3][2]]
    if not reference and any(abs(v - math.floor(v) - 0.5) < 1e-7 for v in quantised):
        raise _KnifeEdge

    is_landscape = width > height
    header24 = (
        _js_round(63 * l_dc)
        | (_js_round(31.5 + 31.5 * p_dc) << 6)
        | (_js_round(31.5 + 31.5 * q_dc) << 12)
        | (_js_round(31 * l_scale) << 18)
        | (int(has_alpha) << 23)
    )
    header16 = (
        (ly if is_landscape else lx)
        | (_js_round(63 * p_scale) << 3)
        | (_js_round(63 * q_scale) << 9)
        | (int(is_landscape) << 15)
    )
    out = [header24 & 255, (header24 >> 8) & 255, header24 >> 16, header16 & 255, header16 >> 8]
    if has_alpha:
        a_dc, _, a_scale = channels[3]
        out.append(_js_round(15 * a_dc) | (_js_round(15 * a_scale) << 4))
    start = len(out)
    index = 0
    for _, ac, _ in channels:
        for value in ac:
            position = start + (index >> 1)
            if position == len(out):
                out.append(0)
            out[position] |= _js_round(15 * value) << ((index & 1) << 2)
            index += 1
    return bytes(out)


def rgba_to_thumbhash(width: int, height: int, rgba: bytes) -> bytes:
    """Encode ``width`` x ``height`` RGBA bytes (both sides at most 100) as a ThumbHash.

    Matches the reference JavaScript byte for byte on real images: numpy does the work, and an
    image whose rounding sits exactly on a half (symmetric alpha, gradients) is redone in the
    reference's summation order. Flat single-colour images can still differ in noise-only bits
    (JavaScript's and C's cos differ in the last place); they decode to the same picture.
    """
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ValueError(f"{width}x{height} doesn't fit in {MAX_SIDE}x{MAX_SIDE}")
    if len(rgba) != width * height * 4:
        raise ValueError(f"expected {width * height * 4} bytes of RGBA, got {len(rgba)}")
    try:
        return _encode(width, height, rgba, reference=False)
    except _KnifeEdge:
        return _encode(width, height, rgba, reference=True)


def image_to_thumbhash(image: Image.Image) -> bytes:
    """ThumbHash of a Pillow image, first shrunk to fit inside 100 x 100 like Immich does."""
    small = image if image.mode == "RGBA" else image.convert("RGBA")
    if small.width > MAX_SIDE or small.height > MAX_SIDE:
        small = small.copy()
        small.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.BILINEAR)
    return rgba_to_thumbhash(small.width, small.height, small.tobytes())


def _decode_channel(hash_bytes: bytes, start: int, index: int, nx: int, ny: int, scale: float) -> list[float]:
    ac: list[float] = []
    for cy in range(ny):
        cx = 1 if cy == 0 else 0
        while cx * ny < nx * (ny - cy):
            nibble = (hash_bytes[start + (index >> 1)] >> ((index & 1) << 2)) & 15
            ac.append((nibble / 7.5 - 1) * scale)
            index += 1
            cx += 1
    return ac


def thumbhash_to_rgba(hash_bytes: bytes) -> tuple[int, int, bytes]:
    """Decode a ThumbHash into ``(width, height, rgba)`` (at most 32 px a side)."""
    header24 = hash_bytes[0] | (hash_bytes[1] << 8) | (hash_bytes[2] << 16)
    header16 = hash_bytes[3] | (hash_bytes[4] << 8)
    l_dc = (header24 & 63) / 63
    p_dc = ((header24 >> 6) & 63) / 31.5 - 1
    q_dc = ((header24 >> 12) & 63) / 31.5 - 1
    l_scale = ((header24 >> 18) & 31) / 31
    has_alpha = bool(header24 >> 23)
    p_scale = ((header16 >> 3) & 63) / 63
    q_scale = ((header16 >> 9) & 63) / 63
    is_landscape = bool(header16 >> 15)
    lx = max(3, (5 if has_alpha else 7) if is_landscape else header16 & 7)
    ly = max(3, header16 & 7 if is_landscape else (5 if has_alpha else 7))
    a_dc, a_scale = 1.0, 0.0
    if has_alpha:
        a_dc = (hash_bytes[5] & 15) / 15
        a_scale = (hash_bytes[5] >> 4) / 15
    start = 6 if has_alpha else 5
    l_ac = _decode_channel(hash_bytes, start, 0, lx, ly, l_scale)
    p_ac = _decode_channel(hash_bytes, start, len(l_ac), 3, 3, p_scale * 1.25)
    q_ac = _decode_channel(hash_bytes, start, len(l_ac) + len(p_ac), 3, 3, q_scale * 1.25)
    a_ac = (
        _decode_channel(hash_bytes, start, len(l_ac) + len(p_ac) + len(q_ac), 5, 5, a_scale)
        if has_alpha
        else []
    )

    ratio = thumbhash_aspect_ratio(hash_bytes)
    width = round(32 if ratio > 1 else 32 * ratio)
    height = round(32 / ratio if ratio > 1 else 32)
    xs = np.arange(width) + 0.5
    ys = np.arange(height) + 0.5

    def channel(dc: float, ac: list[float], nx: int, ny: int) -> np.ndarray:
        values = np.full((height, width), dc)
        index = 0
        for cy in range(ny):
            cx = 1 if cy == 0 else 0
            fy = np.cos(np.pi / height * cy * ys)
            while cx * ny < nx * (ny - cy):
                values += ac[index] * np.outer(fy * 2, np.cos(np.pi / width * cx * xs))
                index += 1
                cx += 1
        return values

    lum = channel(l_dc, l_ac, lx, ly)
    p = channel(p_dc, p_ac, 3, 3)
    q = channel(q_dc, q_ac, 3, 3)
    alpha = channel(a_dc, a_ac, 5, 5) if has_alpha else np.ones((height, width))
    b = lum - 2 / 3 * p
    r = (3 * lum - b + q) / 2
    g = r - q
    stacked = np.stack([r, g, b, alpha], axis=-1)
    # The reference stores into a Uint8Array, which truncates.
    pixels = np.floor(255 * np.clip(stacked, 0, 1)).astype(np.uint8)
    return width, height, pixels.tobytes()


def thumbhash_aspect_ratio(hash_bytes: bytes) -> float:
    """The approximate width / height encoded in a ThumbHash header."""
    header = hash_bytes[3]
    has_alpha = bool(hash_bytes[2] & 0x80)
    is_landscape = bool(hash_bytes[4] & 0x80)
    lx = (5 if has_alpha else 7) if is_landscape else header & 7
    ly = header & 7 if is_landscape else (5 if has_alpha else 7)
    return lx / ly
