"""extract_metadata on the real test files, checked against exiftool itself and Immich's own tests."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from albumen.media.exiftool import get_exiftool
from albumen.media.metadata import extract_metadata
from albumen.media.motion_photos import MotionPhoto, extract_motion_video, find_motion_photo
from tests.conftest import TESTDATA

ASSETS = TESTDATA / "immich-test-assets"
MEDIA = sorted(
    path for path in TESTDATA.rglob("*") if path.is_file() and path.suffix.lower() not in {".md", ".xmp"}
)


def exiftool_cli(path: Path) -> dict[str, object]:
    """What the exiftool command line says, independently of our process and parsing."""
    output = subprocess.run(
        [
            "exiftool",
            "-json",
            "-Make",
            "-Model",
            "-ISO",
            "-FNumber#",
            "-FocalLength#",
            "-Orientation#",
            "-ImageWidth",
            "-ImageHeight",
            "-ExposureTime",
            "-Rating#",
            "-MIMEType",
            str(path),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, object] = json.loads(output)[0]
    return result


@pytest.mark.parametrize("path", MEDIA, ids=lambda path: str(path.relative_to(TESTDATA)))
def test_key_fields_match_exiftool(path: Path) -> None:
    metadata = extract_metadata(path)
    expected = exiftool_cli(path)
    assert metadata.errors == ()
    assert metadata.mime_type == expected["MIMEType"]
    assert metadata.make == expected.get("Make")
    assert metadata.model == expected.get("Model")
    iso = expected.get("ISO")
    assert metadata.iso == (iso[0] if isinstance(iso, list) else iso)
    assert metadata.f_number == expected.get("FNumber")
    assert metadata.focal_length == expected.get("FocalLength")
    assert metadata.exposure_time == expected.get("ExposureTime")
    assert metadata.rating == expected.get("Rating")
    assert metadata.exif_image_width == expected.get("ImageWidth")
    assert metadata.exif_image_height == expected.get("ImageHeight")
    if not metadata.is_video:
        assert metadata.orientation == (
            None if "Orientation" not in expected else str(expected["Orientation"])
        )
    assert metadata.file_size_in_byte == path.stat().st_size


def test_iphone_heic_matches_immich_e2e() -> None:
    metadata = extract_metadata(ASSETS / "formats/heic/IMG_2682.heic")
    assert metadata.date_time_original == datetime(2019, 3, 21, 16, 4, 22, 348000, tzinfo=UTC)
    assert (metadata.exif_image_width, metadata.exif_image_height) == (4032, 3024)
    assert (metadata.latitude, metadata.longitude) == (41.2203, -96.071625)
    assert (metadata.make, metadata.model) == ("Apple", "iPhone 7")
    assert metadata.lens_model == "iPhone 7 back camera 3.99mm f/1.8"
    assert metadata.file_size_in_byte == 880_703
    assert (metadata.exposure_time, metadata.iso, metadata.focal_length, metadata.f_number) == (
        "1/887",
        20,
        3.99,
        1.8,
    )
    assert metadata.time_zone == "America/Chicago"
    assert (metadata.city, metadata.state, metadata.country) == (
        "Ralston",
        "Nebraska",
        "United States of America",
    )
    assert (metadata.profile_description, metadata.colorspace, metadata.bits_per_sample) == (
        "Display P3",
        "Uncalibrated",
        8,
    )


def test_sony_jpeg_matches_immich_e2e() -> None:
    metadata = extract_metadata(ASSETS / "formats/jpg/el_torcal_rocks.jpg")
    assert metadata.date_time_original == datetime(2012, 8, 5, 11, 39, 59, tzinfo=UTC)
    assert (metadata.exif_image_width, metadata.exif_image_height) == (512, 341)
    assert (metadata.focal_length, metadata.iso, metadata.f_number, metadata.exposure_time) == (
        75,
        200,
        11,
        "1/160",
    )
    assert (metadata.make, metadata.model, metadata.description) == ("SONY", "DSLR-A550", "SONY DSC")
    assert metadata.orientation is None


@pytest.mark.parametrize(
    ("file", "width", "height"),
    [
        ("formats/avif/8bit-sRGB.avif", 1617, 1080),
        ("formats/jxl/8bit-sRGB.jxl", 1440, 1080),
        ("formats/png/density_plot.png", 800, 800),
    ],
)
def test_formats_without_exif_still_have_dimensions(file: str, width: int, height: int) -> None:
    metadata = extract_metadata(ASSETS / file)
    assert (metadata.exif_image_width, metadata.exif_image_height, metadata.description) == (
        width,
        height,
        "",
    )


def test_rating_and_description() -> None:
    metadata = extract_metadata(ASSETS / "metadata/rating/mongolels.jpg")
    assert metadata.rating == 3
    assert metadata.description == "Mongol Els"


def test_iptc_caption_is_the_description_when_there_is_no_image_description() -> None:
    metadata = extract_metadata(ASSETS / "metadata/gps-position/thompson-springs.jpg")
    assert metadata.description.startswith("Early winter scene in the mostly barren")


def test_thompson_springs_place_named_in_the_file_wins_over_the_nearest_town() -> None:
    # The GPS block points 20 km from Thompson Springs (GeoNames' nearest is Palisade, Colorado), but
    # the photographer tagged City/State/Country in IPTC and XMP: that is the place people search for.
    metadata = extract_metadata(ASSETS / "metadata/gps-position/thompson-springs.jpg")
    assert metadata.latitude == pytest.approx(39.115)
    assert metadata.longitude == pytest.approx(-108.400968)
    assert (metadata.city, metadata.state, metadata.country) == ("Thompson Springs", "Utah", "United States")


def test_untagged_position_is_reverse_geocoded_to_the_nearest_place() -> None:
    metadata = extract_metadata(ASSETS / "formats/heic/IMG_2682.heic")
    assert (metadata.city, metadata.state, metadata.country) == (
        "Ralston",
        "Nebraska",
        "United States of America",
    )
    assert extract_metadata(ASSETS / "formats/heic/IMG_2682.heic", reverse_geocoding=False).city is None


def test_an_empty_gps_block_is_no_position() -> None:
    metadata = extract_metadata(ASSETS / "metadata/gps-position/empty_gps.jpg")
    assert (metadata.latitude, metadata.longitude, metadata.city, metadata.country) == (
        None,
        None,
        None,
        None,
    )


def test_keywords_and_hierarchical_subjects_become_tag_paths() -> None:
    assert extract_metadata(ASSETS / "metadata/tags/picasa.jpg").tags == ("Frost", "Yard")
    assert extract_metadata(ASSETS / "metadata/faces/portrait.jpg").tags == (
        "People/Marie Curie",
        "People/Pierre Curie",
    )
    falcon = extract_metadata(ASSETS / "albums/nature/prairie_falcon.jpg")
    assert falcon.tags[0] == "Other Keywords/SFAN"


def test_sideways_orientation_swaps_the_displayed_size() -> None:
    metadata = extract_metadata(ASSETS / "metadata/faces/portrait-orientation-6.jpg")
    assert metadata.orientation == "6"
    assert (metadata.exif_image_width, metadata.exif_image_height) == (700, 840)
    assert (metadata.width, metadata.height) == (840, 700)


def test_video_fields() -> None:
    metadata = extract_metadata(TESTDATA / "videos/h264-aac-gps.mp4")
    assert metadata.is_video
    assert (metadata.fps, metadata.duration) == (30, "00:00:03.000")
    assert (metadata.width, metadata.height, metadata.bits_per_sample) == (640, 360, 8)
    assert metadata.latitude == pytest.approx(48.8584)
    assert metadata.longitude == pytest.approx(2.2945, abs=1e-4)
    assert (metadata.state, metadata.country) == ("Île-de-France", "France")
    assert metadata.motion_photo is None

    rotated = extract_metadata(TESTDATA / "videos/hevc-rotated.mov")
    assert (rotated.orientation, rotated.width, rotated.height) == ("6", 720, 1280)
    assert extract_metadata(TESTDATA / "videos/vp9.webm").duration == "00:00:02.000"
    assert extract_metadata(TESTDATA / "videos/legacy-mpeg4.avi").fps == 15


def test_live_photo_content_identifier(tmp_path: Path) -> None:
    video = tmp_path / "IMG_0001.MOV"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=black:s=64x64:d=0.2",
            "-c:v",
            "libx264",
            "-movflags",
            "use_metadata_tags",
            "-metadata",
            "com.apple.quicktime.content.identifier=4C0B5E73-2B49-4F4B-9E43-1AD1E7A2A9C1",
            str(video),
        ],
        check=True,
    )
    assert extract_metadata(video).live_photo_cid == "4C0B5E73-2B49-4F4B-9E43-1AD1E7A2A9C1"


def test_samsung_motion_photo_video_is_extracted(tmp_path: Path) -> None:
    path = ASSETS / "formats/motionphoto/samsung-one-ui-6.heic"
    metadata = extract_metadata(path)
    assert metadata.motion_photo == MotionPhoto(tag="MotionPhotoVideo")
    video = extract_motion_video(path, metadata.motion_photo, get_exiftool())
    # Immich's e2e checksum, taken from the video Samsung's own Gallery app exports
    assert base64.b64encode(hashlib.sha1(video).digest()).decode() == "/ejgzywvgvzvVhUYVfvkLzFBAF0="
    output = tmp_path / "motion.mp4"
    output.write_bytes(video)
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=format_name,duration:stream=codec_type",
            "-of",
            "json",
            str(output),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    probed = json.loads(probe.stdout)
    assert "mp4" in probed["format"]["format_name"]
    assert float(probed["format"]["duration"]) > 0
    assert "video" in [stream["codec_type"] for stream in probed["streams"]]


def test_a_google_motion_photo_is_a_byte_range_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "PXL.MP.jpg"
    path.write_bytes(b"still image" + b"VIDEO-BYTES" + b"pad")
    directory = [
        {"Item": {"Mime": "image/jpeg", "Semantic": "Primary"}},
        {"Item": {"Mime": "video/mp4", "Semantic": "MotionPhoto", "Length": 11, "Padding": 3}},
    ]
    motion = find_motion_photo({"MotionPhoto": 1, "ContainerDirectory": directory}, path.stat().st_size)
    assert motion == MotionPhoto(offset=11, length=11)
    assert extract_motion_video(path, motion, get_exiftool()) == b"VIDEO-BYTES"
    micro = find_motion_photo({"MicroVideo": 1, "MicroVideoOffset": 14}, path.stat().st_size)
    assert micro == MotionPhoto(offset=11, length=14)
    assert find_motion_photo({"MotionPhoto": 1}, 100) is None
    assert find_motion_photo({"Make": "Google"}, 100) is None


@pytest.mark.parametrize("year", [2000, 2010, 2020])
def test_a_sidecar_date_replaces_every_file_date(year: int) -> None:
    # UTF-16 Lightroom sidecars whose CreateDate is {year}-09-27T14:35:33+02:00
    sidecar = ASSETS / f"metadata/xmp/dates/{year}.xmp"
    metadata = extract_metadata(ASSETS / "formats/jpg/el_torcal_rocks.jpg", sidecar)
    assert metadata.errors == ()
    assert metadata.date_source == "CreateDate"
    assert metadata.date_time_original == datetime(year, 9, 27, 12, 35, 33, tzinfo=UTC)
    assert metadata.local_date_time == datetime(year, 9, 27, 14, 35, 33, tzinfo=UTC)
    assert metadata.time_zone == "UTC+2"
    assert (metadata.make, metadata.model) == ("SONY", "DSLR-A550")


def test_a_missing_sidecar_is_reported_and_the_file_still_read(tmp_path: Path) -> None:
    metadata = extract_metadata(ASSETS / "metadata/rating/mongolels.jpg", tmp_path / "gone.xmp")
    assert metadata.rating == 3
    assert any("gone.xmp" in error for error in metadata.errors)


def test_a_sidecar_with_an_iso_list_overrides_the_file(tmp_path: Path) -> None:
    metadata = extract_metadata(
        ASSETS / "formats/png/density_plot.png", ASSETS / "problems/xmp/iso-value-array/iso-value-array.xmp"
    )
    assert metadata.iso == 160
    assert (metadata.make, metadata.model, metadata.exposure_time) == (
        "Canon",
        "Canon PowerShot SX120 IS",
        "1/1250",
    )
    assert metadata.description == ""
    assert metadata.time_zone == "America/New_York"
    assert metadata.date_time_original == datetime(2009, 11, 28, 18, 42, 39, tzinfo=UTC)
    assert (metadata.exif_image_width, metadata.exif_image_height) == (800, 800)


def test_sidecar_values_override_the_file(tmp_path: Path) -> None:
    sidecar = tmp_path / "mongolels.jpg.xmp"
    get_exiftool().write_tags(
        sidecar,
        {
            "Description": "From the sidecar",
            "Rating": 5,
            "GPSLatitude": 48.8534,
            "GPSLatitudeRef": "N",
            "GPSLongitude": 2.3488,
            "GPSLongitudeRef": "E",
            "HierarchicalSubject": ["Places|France|Paris", "a/b|c"],
            "ProjectionType": "equirectangular",
        },
    )
    metadata = extract_metadata(ASSETS / "metadata/rating/mongolels.jpg", sidecar)
    assert (metadata.description, metadata.rating) == ("Mongol Els", 5)  # EXIF ImageDescription still wins
    assert (metadata.city, metadata.country) == ("Paris", "France")
    assert metadata.tags == ("Places/France/Paris", "a|b/c")
    assert metadata.projection_type == "EQUIRECTANGULAR"
    # the sidecar has no date, so the file's dates stay, now read in the sidecar position's zone
    assert metadata.time_zone == "Europe/Paris"
    assert metadata.date_time_original == datetime(2009, 8, 29, 13, 18, 8, 170000, tzinfo=UTC)

    get_exiftool().write_tags(
        sidecar, {"TagsList": ["Trips/Paris"], "DateTimeOriginal": "2011:01:02 03:04:05"}
    )
    metadata = extract_metadata(ASSETS / "metadata/rating/mongolels.jpg", sidecar)
    assert metadata.tags == ("Trips/Paris",)
    assert metadata.date_source == "DateTimeOriginal"
    assert metadata.local_date_time == datetime(2011, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize("name", ["-rf.jpg", "--ver", "photo\twith tab.jpg", "日本.jpg"])
def test_hostile_names(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    shutil.copyfile(ASSETS / "metadata/rating/mongolels.jpg", path)
    assert extract_metadata(path).rating == 3


def test_a_zero_byte_file_gives_file_dates_and_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.touch()
    metadata = extract_metadata(path)
    assert metadata.date_source == "file"
    assert metadata.file_size_in_byte == 0
    assert any("File is empty" in error for error in metadata.errors)
    assert (metadata.make, metadata.width, metadata.latitude) == (None, None, None)


def test_a_truncated_file_keeps_what_could_be_read(tmp_path: Path) -> None:
    path = tmp_path / "truncated.jpg"
    path.write_bytes((ASSETS / "albums/nature/prairie_falcon.jpg").read_bytes()[:3000])
    metadata = extract_metadata(path)
    assert metadata.make == "Canon"


@pytest.mark.parametrize("content", [b"\x00" * 1000, bytes(range(256)) * 40, b"\xff\xd8\xff\xe1garbage"])
def test_garbage_never_crashes(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "garbage.jpg"
    path.write_bytes(content)
    metadata = extract_metadata(path)
    assert metadata.date_source == "file"
    assert metadata.latitude is None


def test_a_corrupt_sidecar_is_reported_and_the_file_still_read(tmp_path: Path) -> None:
    sidecar = tmp_path / "broken.xmp"
    sidecar.write_bytes(b"<x:xmpmeta><rdf:RDF><unclosed")
    metadata = extract_metadata(ASSETS / "metadata/rating/mongolels.jpg", sidecar)
    assert metadata.rating == 3


def test_a_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        extract_metadata(tmp_path / "missing.jpg")


@pytest.mark.parametrize(("latitude", "longitude"), [(0, 0), (95, 10)])
def test_null_island_and_impossible_positions_are_no_position(
    tmp_path: Path, latitude: float, longitude: float
) -> None:
    path = tmp_path / "photo.jpg"
    shutil.copyfile(ASSETS / "metadata/rating/mongolels.jpg", path)
    get_exiftool().write_tags(path, {"GPSLatitude": latitude, "GPSLongitude": longitude})
    metadata = extract_metadata(path)
    assert (metadata.latitude, metadata.longitude, metadata.country) == (None, None, None)
    assert metadata.time_zone is None
