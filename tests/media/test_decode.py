"""Decoding every supported format upright, and refusing hostile files quickly and clearly."""

from __future__ import annotations

import io
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from albumen.media.decode import decode_image
from albumen.media.errors import CorruptMediaError, MediaError, MediaTooLargeError, UnsupportedMediaError
from albumen.media.limits import MediaLimits
from tests.conftest import TESTDATA

ASSETS = TESTDATA / "immich-test-assets"


@pytest.mark.parametrize(
    ("relative", "source_format", "size"),
    [
        ("formats/jpg/el_torcal_rocks.jpg", "JPEG", (512, 341)),
        ("formats/jpeg/el_torcal_rocks.jpeg", "JPEG", (512, 341)),
        ("formats/png/density_plot.png", "PNG", (800, 800)),
        ("formats/webp/denali.webp", "WEBP", (600, 315)),
        ("formats/heic/IMG_2682.heic", "HEIF", (4032, 3024)),
        ("formats/motionphoto/samsung-one-ui-6.heic", "HEIF", (3000, 4000)),
        ("formats/avif/8bit-sRGB.avif", "AVIF", (1617, 1080)),
        ("formats/avif/10bit-HDR-P3-nclx.avif", "AVIF", (3681, 5594)),
        ("formats/jxl/8bit-sRGB.jxl", "JXL", (1440, 1080)),
        ("formats/jxl/16bit-HDR-P3-nclx.jxl", "JXL", (5667, 3685)),
    ],
)
def test_every_format_decodes_to_8_bit_rgb_at_its_upright_size(
    relative: str, source_format: str, size: tuple[int, int]
) -> None:
    decoded = decode_image(ASSETS / relative)

    assert decoded.source_format == source_format
    assert decoded.image.mode == "RGB"
    assert (decoded.full_width, decoded.full_height) == size
    assert decoded.image.size == size
    # Real content, not a blank frame: some spread in brightness.
    assert ImageStat.Stat(decoded.image.convert("L")).stddev[0] > 5


def test_exif_orientation_6_is_applied_so_the_face_is_upright() -> None:
    rotated = decode_image(ASSETS / "metadata/faces/portrait-orientation-6.jpg").image
    upright = decode_image(ASSETS / "metadata/faces/portrait.jpg").image

    # Stored 700x840 with "rotate 90 CW": upright it is the same 840x700 picture as portrait.jpg.
    assert rotated.size == upright.size == (840, 700)
    assert ImageStat.Stat(ImageChops.difference(rotated, upright)).mean[0] < 5


def test_heif_rotation_is_not_applied_twice_even_when_metadata_says_6() -> None:
    # libheif already applied the container's rotation; the EXIF 6 beside it is informational.
    decoded = decode_image(ASSETS / "formats/motionphoto/samsung-one-ui-6.heic", orientation=6)

    assert decoded.image.size == (3000, 4000)


def test_metadata_orientation_is_the_fallback_for_files_without_their_own(tmp_path: Path) -> None:
    plain = tmp_path / "plain.jpg"
    Image.new("RGB", (300, 200), (10, 20, 30)).save(plain)
    tagged = tmp_path / "tagged.jpg"
    exif = Image.Exif()
    exif[0x0112] = 1
    Image.new("RGB", (300, 200), (10, 20, 30)).save(tagged, exif=exif)

    assert decode_image(plain, orientation=6).image.size == (200, 300)
    assert decode_image(tagged, orientation=6).image.size == (300, 200)


def test_jpeg_is_decoded_no_larger_than_the_largest_output_needs(tmp_path: Path) -> None:
    photo = tmp_path / "big.jpg"
    Image.new("RGB", (4000, 3000), (120, 80, 40)).save(photo, quality=70)

    decoded = decode_image(photo, short_side=1440)

    assert (decoded.full_width, decoded.full_height) == (4000, 3000)
    assert decoded.image.size == (2000, 1500)  # libjpeg's 1/2 DCT scaling, still >= 1440


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped(tmp_path: Path) -> None:
    path = tmp_path / "grey16.png"
    Image.new("I;16", (8, 8), 32768).save(path)

    decoded = decode_image(path)

    assert decoded.image.getpixel((0, 0))[0] in (127, 128)


@pytest.mark.parametrize(
    ("name", "image", "options", "mode"),
    [
        ("anim.gif", Image.new("P", (40, 30), 3), {"transparency": 3}, "RGBA"),
        ("scan.tiff", Image.new("RGB", (40, 30), (10, 200, 30)), {"compression": "tiff_lzw"}, "RGB"),
        ("print.jpg", Image.new("CMYK", (40, 30), (0, 255, 255, 0)), {}, "CMYK"),
        ("grey.png", Image.new("L", (40, 30), 90), {}, "RGB"),
    ],
)
def test_gif_tiff_cmyk_and_greyscale_decode(
    name: str, image: Image.Image, options: dict[str, object], mode: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    image.save(path, **options)  # type: ignore[arg-type]

    decoded = decode_image(path)

    assert decoded.image.size == (40, 30)
    assert decoded.image.mode == mode


def test_transparent_png_keeps_its_alpha(tmp_path: Path) -> None:
    path = tmp_path / "alpha.png"
    Image.new("RGBA", (20, 10), (255, 0, 0, 100)).save(path)

    assert decode_image(path).image.mode == "RGBA"


def _png_with_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    idat = b"IDAT" + zlib.compress(b"\0" * 16)
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
        + struct.pack(">I", len(idat) - 4) + idat + struct.pack(">I", zlib.crc32(idat))
        + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    )  # fmt: skip


def _truncated(source: Path, tmp_path: Path, fraction: float) -> Path:
    data = source.read_bytes()
    path = tmp_path / f"truncated{source.suffix}"
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


HOSTILE: dict[str, tuple[str, bytes, type[MediaError], str]] = {
    # case: (file name, content, error, message fragment)
    "zero-byte": ("empty.jpg", b"", CorruptMediaError, "empty"),
    "text named .jpg": (
        "notes.jpg",
        b"hello, I am not a photo\n" * 10,
        UnsupportedMediaError,
        "not a supported",
    ),
    "random bytes named .heic": (
        "noise.heic",
        bytes(range(256)) * 40,
        UnsupportedMediaError,
        "not a supported",
    ),
    "absurd PNG header": ("bomb.png", _png_with_header(100_000, 100_000), MediaTooLargeError, "exceed"),
    "over the pixel limit": ("wide.png", _png_with_header(20_000, 10_000), MediaTooLargeError, "200.0 MP"),
    "zero-width PNG header": ("zero.png", _png_with_header(0, 10), MediaError, "zero"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_raise_a_typed_error_quickly(case: str, tmp_path: Path) -> None:
    name, data, error_type, message = HOSTILE[case]
    path = tmp_path / name
    path.write_bytes(data)

    start = time.monotonic()
    with pytest.raises(error_type, match=message):
        decode_image(path)
    assert time.monotonic() - start < 2


@pytest.mark.parametrize(
    "relative",
    [
        "albums/text/craft-beer.jpg",
        "formats/heic/IMG_2682.heic",
        "formats/avif/8bit-sRGB.avif",
        "formats/jxl/8bit-sRGB.jxl",
        "formats/webp/denali.webp",
        "formats/png/density_plot.png",
    ],
)
def test_truncated_files_raise_corrupt_media_error(relative: str, tmp_path: Path) -> None:
    path = _truncated(ASSETS / relative, tmp_path, 0.5)

    start = time.monotonic()
    with pytest.raises(CorruptMediaError, match=re.escape(path.name)):
        decode_image(path)
    assert time.monotonic() - start < 5


def test_pixel_limit_is_configurable() -> None:
    with pytest.raises(MediaTooLargeError, match=r"limit of 0\.1 MP"):
        decode_image(ASSETS / "formats/png/density_plot.png", limits=MediaLimits(max_pixels=100_000))


def test_wrong_extension_is_decoded_by_content(tmp_path: Path) -> None:
    path = tmp_path / "really-a-png.jpg"
    path.write_bytes((ASSETS / "formats/png/density_plot.png").read_bytes())

    assert decode_image(path).source_format == "PNG"


def test_missing_file_is_a_media_error(tmp_path: Path) -> None:
    with pytest.raises(CorruptMediaError, match="cannot read file"):
        decode_image(tmp_path / "gone.jpg")


# --- RAW: the test data has no RAW files, so a minimal DNG is built here (IFD0 holds a JPEG
# preview, its SubIFD a 16-bit Bayer mosaic), which is enough for LibRaw to read both.


def make_dng(
    path: Path, preview: Image.Image, raw_size: tuple[int, int] = (64, 48), orientation: int = 1
) -> None:
    raw_w, raw_h = raw_size
    jpeg = io.BytesIO()
    preview.save(jpeg, "JPEG", quality=90)
    jpeg_bytes = jpeg.getvalue() + (b"\0" if len(jpeg.getvalue()) % 2 else b"")
    mosaic = b"".join(
        struct.pack("<H", (x * 1000 + y * 500) % 4096) for y in range(raw_h) for x in range(raw_w)
    )

    def ifd(entries: list[tuple[int, int, int, bytes]], offset: int) -> bytes:
        size = 2 + len(entries) * 12 + 4
        table, extra = struct.pack("<H", len(entries)), b""
        for tag, kind, count, value in sorted(entries):
            if len(value) <= 4:
                table += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0")
            else:
                table += struct.pack("<HHII", tag, kind, count, offset + size + len(extra))
                extra += value + b"\0" * (len(value) % 2)
        return table + struct.pack("<I", 0) + extra

    def u16(*values: int) -> bytes:
        return struct.pack(f"<{len(values)}H", *values)

    def u32(*values: int) -> bytes:
        return struct.pack(f"<{len(values)}I", *values)

    identity = b"".join(struct.pack("<ii", v, 1) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))

    def layout(jpeg_at: int, raw_at: int, sub_at: int) -> tuple[bytes, bytes]:
        first = [
            (254, 4, 1, u32(1)), (256, 4, 1, u32(preview.width)), (257, 4, 1, u32(preview.height)),
            (258, 3, 3, u16(8, 8, 8)), (259, 3, 1, u16(7)), (262, 3, 1, u16(6)), (271, 2, 6, b"Canon\0"),
            (272, 2, 8, b"EOS R6\0\0"), (274, 3, 1, u16(orientation)), (273, 4, 1, u32(jpeg_at)),
            (277, 3, 1, u16(3)), (278, 4, 1, u32(preview.height)), (279, 4, 1, u32(len(jpeg_bytes))),
            (330, 4, 1, u32(sub_at)), (50706, 1, 4, bytes([1, 4, 0, 0])), (50708, 2, 8, b"EOS R6\0\0"),
            (50721, 10, 9, identity), (50778, 3, 1, u16(21)),
        ]  # fmt: skip
        sub = [
            (254, 4, 1, u32(0)), (256, 4, 1, u32(raw_w)), (257, 4, 1, u32(raw_h)), (258, 3, 1, u16(16)),
            (259, 3, 1, u16(1)), (262, 3, 1, u16(32803)), (273, 4, 1, u32(raw_at)), (277, 3, 1, u16(1)),
            (278, 4, 1, u32(raw_h)), (279, 4, 1, u32(len(mosaic))), (33421, 3, 2, u16(2, 2)),
            (33422, 1, 4, bytes([0, 1, 1, 2])), (50717, 4, 1, u32(4095)),
        ]  # fmt: skip
        head = ifd(first, 8)
        return head, ifd(sub, 8 + len(head))

    head, sub = layout(0, 0, 0)
    jpeg_at = 8 + len(head) + len(sub)
    head, sub = layout(jpeg_at, jpeg_at + len(jpeg_bytes), 8 + len(head))
    path.write_bytes(b"II*\0" + u32(8) + head + sub + jpeg_bytes + mosaic)


def test_raw_uses_the_embedded_preview_when_it_is_large_enough(tmp_path: Path) -> None:
    path = tmp_path / "camera.dng"
    make_dng(path, Image.new("RGB", (1600, 1500), (200, 40, 40)))

    decoded = decode_image(path, short_side=1440, extract_embedded=True)

    assert decoded.source_format == "RAW"
    assert (decoded.full_width, decoded.full_height) == (1600, 1500)
    red, green, blue = decoded.image.getpixel((10, 10))
    assert red > 150 and green < 90 and blue < 90


def test_raw_with_a_small_preview_is_demosaiced_instead(tmp_path: Path) -> None:
    path = tmp_path / "camera.dng"
    make_dng(path, Image.new("RGB", (160, 120), (200, 40, 40)))

    decoded = decode_image(path, short_side=1440, extract_embedded=True)

    assert decoded.image.size == (64, 48)  # the sensor data, not the 160x120 preview


def test_raw_preview_is_ignored_unless_extract_embedded_is_on(tmp_path: Path) -> None:
    path = tmp_path / "camera.dng"
    make_dng(path, Image.new("RGB", (1600, 1500), (200, 40, 40)))

    assert decode_image(path, short_side=1440).image.size == (64, 48)


def test_corrupt_raw_is_a_media_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.nef"
    path.write_bytes(b"II*\0" + bytes(200))

    with pytest.raises(CorruptMediaError, match=r"broken\.nef"):
        decode_image(path)
