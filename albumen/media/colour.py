"""Colour management: which profile a source has, and conversion to sRGB or Display P3.

Pillow's littleCMS binding only builds sRGB, so Display P3 is written here as a small ICC v4
matrix/shaper profile (P3 primaries, D65 white adapted to D50, the sRGB tone curve), which is
what Apple's own "Display P3" profile describes.
"""

from __future__ import annotations

import hashlib
import io
import struct
from enum import StrEnum
from functools import lru_cache

from PIL import Image, ImageCms


class Colorspace(StrEnum):
    """Immich's ``image.colorspace`` values."""

    SRGB = "srgb"
    P3 = "p3"


_D65 = (0.3127, 0.3290)
_D50_XYZ = (0.9642, 1.0, 0.8249)
_PRIMARIES = {
    Colorspace.SRGB: ((0.640, 0.330), (0.300, 0.600), (0.150, 0.060)),
    Colorspace.P3: ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060)),
}
_DESCRIPTIONS = {Colorspace.SRGB: "sRGB (Albumen)", Colorspace.P3: "Display P3 (Albumen)"}
_BRADFORD = ((0.8951, 0.2664, -0.1614), (-0.7502, 1.7135, 0.0367), (0.0389, -0.0685, 1.0296))

Matrix = tuple[tuple[float, ...], ...]


def _mul(a: Matrix, b: Matrix) -> Matrix:
    return tuple(tuple(sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)) for i in range(3))


def _apply(m: Matrix, v: tuple[float, float, float]) -> tuple[float, float, float]:
    x, y, z = (sum(m[i][k] * v[k] for k in range(3)) for i in range(3))
    return x, y, z


def _inverse(m: Matrix) -> Matrix:
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    adj = (
        (e * i - f * h, c * h - b * i, b * f - c * e),
        (f * g - d * i, a * i - c * g, c * d - a * f),
        (d * h - e * g, b * g - a * h, a * e - b * d),
    )
    return tuple(tuple(v / det for v in row) for row in adj)


def _xyz(xy: tuple[float, float]) -> tuple[float, float, float]:
    x, y = xy
    return x / y, 1.0, (1 - x - y) / y


def _d50_matrix(colorspace: Colorspace) -> tuple[Matrix, Matrix]:
    """RGB->XYZ(D50) columns and the D65->D50 Bradford matrix stored in ``chad``."""
    prim = [_xyz(p) for p in _PRIMARIES[colorspace]]
    white = _xyz(_D65)
    cols: Matrix = tuple(tuple(prim[j][i] for j in range(3)) for i in range(3))
    sr, sg, sb = _apply(_inverse(cols), white)
    rgb_to_xyz: Matrix = tuple((row[0] * sr, row[1] * sg, row[2] * sb) for row in cols)
    cone_src = _apply(_BRADFORD, white)
    cone_dst = _apply(_BRADFORD, _D50_XYZ)
    scale: Matrix = tuple(
        tuple(cone_dst[i] / cone_src[i] if i == j else 0.0 for j in range(3)) for i in range(3)
    )
    chad = _mul(_inverse(_BRADFORD), _mul(scale, _BRADFORD))
    return _mul(chad, rgb_to_xyz), chad


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _mluc(text: str) -> bytes:
    encoded = text.encode("utf-16-be")
    return b"mluc" + bytes(4) + struct.pack(">II2s2sII", 1, 12, b"en", b"US", len(encoded), 28) + encoded


def _xyz_tag(v: tuple[float, float, float]) -> bytes:
    return b"XYZ " + bytes(4) + b"".join(_s15(c) for c in v)


def build_icc_profile(colorspace: Colorspace) -> bytes:
    """A compact ICC v4 display profile for sRGB or Display P3."""
    matrix, chad = _d50_matrix(colorspace)
    # sRGB transfer as an ICC parametric curve of type 3: Y = (aX+b)^g for X >= d, else cX.
    curve = b"para" + bytes(4) + struct.pack(">HH", 3, 0)
    curve += b"".join(_s15(v) for v in (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045))
    tags: list[tuple[bytes, bytes]] = [
        (b"desc", _mluc(_DESCRIPTIONS[colorspace])),
        (b"cprt", _mluc("No copyright, use freely")),
        (b"wtpt", _xyz_tag(_D50_XYZ)),
        (b"chad", b"sf32" + bytes(4) + b"".join(_s15(v) for row in chad for v in row)),
        (b"rXYZ", _xyz_tag((matrix[0][0], matrix[1][0], matrix[2][0]))),
        (b"gXYZ", _xyz_tag((matrix[0][1], matrix[1][1], matrix[2][1]))),
        (b"bXYZ", _xyz_tag((matrix[0][2], matrix[1][2], matrix[2][2]))),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    table = struct.pack(">I", len(tags))
    data = b""
    offset = 128 + 4 + 12 * len(tags)
    for signature, body in tags:
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body + bytes(-len(body) % 4)
    body = table + data
    header = struct.pack(">I4sI4s4s4s", 128 + len(body), b"\0\0\0\0", 0x04300000, b"mntr", b"RGB ", b"XYZ ")
    header += struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + bytes(24)
    header += struct.pack(">I", 1) + b"".join(_s15(v) for v in _D50_XYZ) + bytes(48)
    profile = bytearray(header + body)
    profile[84:100] = hashlib.md5(bytes(profile), usedforsecurity=False).digest()
    return bytes(profile)


SRGB_ICC = build_icc_profile(Colorspace.SRGB)
P3_ICC = build_icc_profile(Colorspace.P3)


def profile_description(icc: bytes) -> str:
    """The profile's human-readable name, or "" when it cannot be parsed."""
    try:
        return str(ImageCms.getProfileDescription(_profile(icc))).strip()
    except (OSError, ImageCms.PyCMSError):
        return ""


def is_srgb(icc: bytes | None) -> bool:
    """Immich's rule: untagged images, and profiles whose name says sRGB, need no conversion."""
    return icc is None or "srgb" in profile_description(icc).lower()


@lru_cache(maxsize=32)
def _profile(icc: bytes) -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(io.BytesIO(icc))


@lru_cache(maxsize=32)
def _transform(source_icc: bytes, target: Colorspace, in_mode: str) -> ImageCms.ImageCmsTransform:
    target_icc = P3_ICC if target is Colorspace.P3 else SRGB_ICC
    return ImageCms.buildTransform(
        _profile(source_icc),
        _profile(target_icc),
        in_mode,
        "RGB",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )


def convert_to(image: Image.Image, source_icc: bytes | None, target: Colorspace) -> Image.Image:
    """Convert an RGB/RGBA/CMYK image from its embedded profile to ``target``.

    An untagged image is taken as sRGB. A profile littleCMS cannot read is ignored rather than
    failing the whole thumbnail: the pixels are then passed through as if they were sRGB.
    """
    alpha = image.getchannel("A") if image.mode == "RGBA" else None
    base = image.convert("RGB") if image.mode == "RGBA" else image
    icc = source_icc or (SRGB_ICC if base.mode == "RGB" else None)
    if icc is None:
        return image.convert("RGBA" if alpha else "RGB")
    if target is Colorspace.SRGB and base.mode == "RGB" and is_srgb(icc):
        return image
    try:
        converted = ImageCms.applyTransform(base, _transform(icc, target, base.mode))
    except (OSError, ValueError, ImageCms.PyCMSError):
        converted = base.convert("RGB")
    assert converted is not None
    if alpha is not None:
        converted.putalpha(alpha)
    return converted
