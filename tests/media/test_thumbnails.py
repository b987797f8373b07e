"""Thumbnails, previews and fullsize images as Immich makes them, for every test-data format."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageStat

from albumen.media.colour import Colorspace
from albumen.media.errors import MediaError
from albumen.media.thumbhash import thumbhash_aspect_ratio, thumbhash_to_rgba
from albumen.media.thumbnails import ImageConfig, ThumbnailResult, generate_thumbnails, outside_size
from tests.conftest import TESTDATA

ASSETS = TESTDATA / "immich-test-assets"

# file, upright size of the original
FORMATS = [
    ("formats/jpg/el_torcal_rocks.jpg", (512, 341)),
    ("formats/png/density_plot.png", (800, 800)),
    ("formats/webp/denali.webp", (600, 315)),
    ("formats/heic/IMG_2682.heic", (4032, 3024)),
    ("formats/motionphoto/samsung-one-ui-6.heic", (3000, 4000)),
    ("formats/avif/8bit-sRGB.avif", (1617, 1080)),
    ("formats/avif/10bit-HDR-P3-nclx.avif", (3681, 5594)),
    ("formats/jxl/8bit-sRGB.jxl", (1440, 1080)),
    ("formats/jxl/16bit-HDR-P3-nclx.jxl", (5667, 3685)),
    ("metadata/faces/portrait.jpg", (840, 700)),
    ("metadata/faces/portrait-orientation-6.jpg", (840, 700)),
    ("albums/text/craft-beer.jpg", (6000, 4000)),
]


def run(source: Path, tmp_path: Path, config: dict | None = None, **kwargs: object) -> ThumbnailResult:
    return generate_thumbnails(
        source,
        None,
        config,
        thumbnail_path=tmp_path / "thumbs" / "t.webp",
        preview_path=tmp_path / "thumbs" / "p.jpeg",
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(("relative", "size"), FORMATS, ids=[Path(f).name for f, _ in FORMATS])
def test_thumbnail_and_preview_have_immich_sizes_and_formats(
    relative: str, size: tuple[int, int], tmp_path: Path
) -> None:
    result = run(ASSETS / relative, tmp_path)

    assert (result.width, result.height) == size
    with Image.open(result.thumbnail.path) as thumbnail, Image.open(result.preview.path) as preview:
        assert thumbnail.format == "WEBP" and preview.format == "JPEG"
        # The shorter side lands on the configured size, never enlarged; the aspect is kept (the
        # thumbnail is resized from the preview, as in Immich, so the long side may differ by 1).
        assert thumbnail.size == (result.thumbnail.width, result.thumbnail.height)
        assert preview.size == outside_size(*size, 1440) == (result.preview.width, result.preview.height)
        expected = outside_size(*size, 250)
        assert all(abs(a - b) <= 1 for a, b in zip(thumbnail.size, expected, strict=True))
        assert min(thumbnail.size) == min(250, *size)
        assert min(preview.size) == min(1440, *size)
    assert thumbhash_aspect_ratio(result.thumbhash) == pytest.approx(size[0] / size[1], rel=0.35)
    width, height, rgba = thumbhash_to_rgba(result.thumbhash)
    assert len(rgba) == width * height * 4
    assert sorted(p.name for p in (tmp_path / "thumbs").iterdir()) == [
        "p.jpeg",
        "t.webp",
    ]  # no temp files left


def test_outside_size_follows_the_shorter_side() -> None:
    assert outside_size(4000, 3000, 250) == (333, 250)
    assert outside_size(3000, 4000, 1440) == (1440, 1920)
    assert outside_size(200, 100, 250) == (200, 100)


def test_orientation_6_thumbnail_matches_the_upright_original(tmp_path: Path) -> None:
    rotated = run(ASSETS / "metadata/faces/portrait-orientation-6.jpg", tmp_path / "a")
    upright = run(ASSETS / "metadata/faces/portrait.jpg", tmp_path / "b")

    with Image.open(rotated.thumbnail.path) as a, Image.open(upright.thumbnail.path) as b:
        assert a.size == b.size == (300, 250)
        assert ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean[0] < 6


def test_motion_photo_thumbnail_is_portrait(tmp_path: Path) -> None:
    result = run(ASSETS / "formats/motionphoto/samsung-one-ui-6.heic", tmp_path, None)

    assert (result.thumbnail.width, result.thumbnail.height) == (250, 333)
    assert (result.preview.width, result.preview.height) == (1440, 1920)


def _icc_description(path: Path) -> str | None:
    with Image.open(path) as image:
        icc = image.info.get("icc_profile")
    return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip() if icc else None


def test_display_p3_source_keeps_p3_with_the_profile_embedded(tmp_path: Path) -> None:
    result = run(ASSETS / "formats/heic/IMG_2682.heic", tmp_path)  # Immich's default colorspace is p3

    assert result.colorspace is Colorspace.P3
    assert _icc_description(result.preview.path) == "Display P3 (Albumen)"
    assert _icc_description(result.thumbnail.path) == "Display P3 (Albumen)"


def test_srgb_colorspace_converts_wide_gamut_sources_to_untagged_srgb(tmp_path: Path) -> None:
    result = run(ASSETS / "formats/heic/IMG_2682.heic", tmp_path, {"colorspace": "srgb"})

    assert result.colorspace is Colorspace.SRGB
    assert _icc_description(result.preview.path) is None


def test_srgb_sources_stay_srgb_whatever_the_config(tmp_path: Path) -> None:
    result = run(ASSETS / "formats/jxl/8bit-sRGB.jxl", tmp_path, {"colorspace": "p3"})

    assert result.colorspace is Colorspace.SRGB
    assert _icc_description(result.preview.path) is None


def test_config_section_controls_formats_sizes_and_quality(tmp_path: Path) -> None:
    config = {
        "thumbnail": {"format": "jpeg", "size": 120, "quality": 50},
        "preview": {"format": "webp", "size": 300, "quality": 90},
    }
    result = generate_thumbnails(
        ASSETS / "albums/nature/prairie_falcon.jpg",
        None,
        config,
        thumbnail_path=tmp_path / "t.jpeg",
        preview_path=tmp_path / "p.webp",
    )

    with Image.open(result.thumbnail.path) as thumbnail, Image.open(result.preview.path) as preview:
        assert thumbnail.format == "JPEG" and min(thumbnail.size) == 120
        assert preview.format == "WEBP" and min(preview.size) == 300
    assert ImageConfig.from_immich(config).thumbnail.quality == 50


def test_higher_quality_means_larger_files(tmp_path: Path) -> None:
    low = run(ASSETS / "albums/nature/prairie_falcon.jpg", tmp_path / "low", {"preview": {"quality": 40}})
    high = run(ASSETS / "albums/nature/prairie_falcon.jpg", tmp_path / "high", {"preview": {"quality": 95}})

    assert high.preview.path.stat().st_size > low.preview.path.stat().st_size


def test_fullsize_is_written_for_formats_browsers_cannot_show(tmp_path: Path) -> None:
    config = {"fullsize": {"enabled": True, "format": "jpeg", "quality": 80}}
    result = run(ASSETS / "formats/heic/IMG_2682.heic", tmp_path, config, fullsize_path=tmp_path / "f.jpeg")

    assert result.fullsize is not None
    with Image.open(result.fullsize.path) as fullsize:
        assert fullsize.format == "JPEG" and fullsize.size == (4032, 3024)
    assert _icc_description(result.fullsize.path) == "Display P3 (Albumen)"


def test_fullsize_is_skipped_for_web_formats_and_when_disabled(tmp_path: Path) -> None:
    enabled = {"fullsize": {"enabled": True}}
    jpeg = run(
        ASSETS / "formats/jpg/el_torcal_rocks.jpg", tmp_path, enabled, fullsize_path=tmp_path / "f1.jpeg"
    )
    disabled = run(ASSETS / "formats/jxl/8bit-sRGB.jxl", tmp_path, None, fullsize_path=tmp_path / "f2.jpeg")

    assert jpeg.fullsize is None and disabled.fullsize is None
    assert not (tmp_path / "f1.jpeg").exists() and not (tmp_path / "f2.jpeg").exists()


def test_transparency_survives_in_webp_and_is_flattened_in_jpeg(tmp_path: Path) -> None:
    source = tmp_path / "logo.png"
    image = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    image.paste((20, 90, 200, 255), (100, 100, 500, 300))
    image.save(source)

    result = run(source, tmp_path)

    with Image.open(result.thumbnail.path) as thumbnail, Image.open(result.preview.path) as preview:
        assert thumbnail.mode == "RGBA" and thumbnail.getpixel((2, 2))[3] == 0
        assert preview.mode == "RGB" and preview.getpixel((2, 2)) == (255, 255, 255)
    assert thumbhash_to_rgba(result.thumbhash)[2][3] < 255  # the hash records the transparency


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    source = tmp_path / "print.jpg"
    Image.new("CMYK", (600, 400), (0, 255, 255, 0)).save(source)

    result = run(source, tmp_path)

    with Image.open(result.preview.path) as preview:
        red, green, blue = preview.convert("RGB").getpixel((10, 10))
    assert preview.mode == "RGB" and red > 200 and green < 60 and blue < 60


@pytest.mark.parametrize("content", [b"", b"not an image at all" * 20, b"\xff\xd8\xff\xe0" + bytes(64)])
def test_bad_input_raises_and_writes_nothing(content: bytes, tmp_path: Path) -> None:
    source = tmp_path / "bad.jpg"
    source.write_bytes(content)

    with pytest.raises(MediaError):
        run(source, tmp_path)
    assert not (tmp_path / "thumbs").exists()
