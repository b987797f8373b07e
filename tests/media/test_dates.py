"""Immich's date rules: which tag wins, which time zone applies, and what localDateTime becomes."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from albumen.media.dates import (
    ExifDateTime,
    earliest_file_time,
    infer_zone,
    parse_date_tags,
    parse_datetime,
    resolve_dates,
)
from albumen.media.metadata import extract_metadata
from tests.conftest import TESTDATA

ASSETS = TESTDATA / "immich-test-assets"
DATES = ASSETS / "metadata/dates"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# Immich's server/test/medium/specs/exif/exif-date-time.spec.ts and e2e expectations, same files.
@pytest.mark.parametrize(
    ("file", "time_zone", "date_time_original", "local_date_time", "source"),
    [
        (
            "metadata/dates/date-priority-test.jpg",
            None,
            "2023-02-02T02:00:00",
            "2023-02-02T02:00:00",
            "DateTimeOriginal",
        ),
        (
            "metadata/dates/gps-datetime.jpg",
            "America/Los_Angeles",
            "2023-11-15T12:30:00",
            "2023-11-15T04:30:00",
            "GPSDateTime",
        ),
        (
            "metadata/dates/datetimeoriginal-gps.jpg",
            "America/Denver",
            "2025-12-01T18:30:00",
            "2025-12-01T11:30:00",
            "DateTimeOriginal",
        ),
        (
            "formats/heic/IMG_2682.heic",
            "America/Chicago",
            "2019-03-21T16:04:22.348",
            "2019-03-21T11:04:22.348",
            "SubSecDateTimeOriginal",
        ),
        (
            "formats/motionphoto/samsung-one-ui-6.heic",
            "UTC-8",
            "2024-01-13T05:38:53.853",
            "2024-01-12T21:38:53.853",
            "SubSecDateTimeOriginal",
        ),
        (
            "formats/jpg/el_torcal_rocks.jpg",
            None,
            "2012-08-05T11:39:59",
            "2012-08-05T11:39:59",
            "DateTimeOriginal",
        ),
        (
            "metadata/gps-position/thompson-springs.jpg",
            "America/Denver",
            "2022-01-10T22:15:44.310",
            "2022-01-10T15:15:44.310",
            "DateTimeOriginal",
        ),
        (
            "albums/nature/cyclamen_persicum.jpg",
            "UTC+9",
            "2007-12-06T05:33:18",
            "2007-12-06T14:33:18",
            "DateTimeOriginal",
        ),
    ],
)
def test_dates_of_the_test_files(
    file: str, time_zone: str | None, date_time_original: str, local_date_time: str, source: str
) -> None:
    metadata = extract_metadata(ASSETS / file)
    assert metadata.time_zone == time_zone
    assert metadata.date_time_original == utc(date_time_original)
    assert metadata.local_date_time == utc(local_date_time)
    assert metadata.date_source == source


def test_time_created_alone_is_ignored_and_the_file_time_used(tmp_path: Path) -> None:
    copy = tmp_path / "time-created.jpg"
    shutil.copyfile(DATES / "time-created.jpg", copy)
    os.utime(copy, (1_600_000_000.5, 1_600_000_000.5))
    metadata = extract_metadata(copy)
    assert metadata.date_source == "file"
    assert metadata.time_zone is None
    assert metadata.date_time_original == utc("2020-09-13T12:26:40.500")
    assert metadata.local_date_time == metadata.date_time_original


def test_an_earlier_upload_creation_time_wins_over_the_file_time(tmp_path: Path) -> None:
    copy = tmp_path / "time-created.jpg"
    shutil.copyfile(DATES / "time-created.jpg", copy)
    created = datetime(2001, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)
    metadata = extract_metadata(copy, file_created_at=created)
    assert metadata.date_time_original == created
    # a later creation time does not move the date past the file's own time
    later = extract_metadata(copy, file_created_at=datetime(2100, 1, 1, tzinfo=UTC))
    assert later.date_time_original == metadata.file_modified_at.replace(
        microsecond=metadata.file_modified_at.microsecond // 1000 * 1000
    )


def test_videos_store_utc_dates_and_take_the_zone_of_their_gps_position() -> None:
    metadata = extract_metadata(TESTDATA / "videos/h264-aac-gps.mp4")
    assert metadata.date_source == "CreateDate"
    assert metadata.time_zone == "Europe/Paris"
    assert metadata.date_time_original == utc("2024-07-14T18:30:00")
    assert metadata.local_date_time == utc("2024-07-14T20:30:00")


def test_a_video_without_position_defaults_to_utc() -> None:
    metadata = extract_metadata(TESTDATA / "videos/hevc-rotated.mov")
    assert metadata.time_zone == "UTC"
    assert metadata.date_time_original == utc("2023-12-24T20:00:00")
    assert metadata.local_date_time == utc("2023-12-24T20:00:00")


# --- the rules on synthetic tags ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "local", "zone"),
    [
        ("2023:02:02 02:00:00", "2023-02-02T02:00:00", None),
        ("2019:03:21 11:04:22.348", "2019-03-21T11:04:22.348", None),
        ("2025:06:01 16:59:26.023460", "2025-06-01T16:59:26.023", None),
        ("2024:01:12 21:38:53.853-08:00", "2024-01-12T21:38:53.853", "UTC-8"),
        ("2023:11:15 12:30:00Z", "2023-11-15T12:30:00", "UTC"),
        ("2000-09-27T14:35:33+02:00", "2000-09-27T14:35:33", "UTC+2"),
        ("2016:09:22 21:10:29+05:30", "2016-09-22T21:10:29", "UTC+5:30"),
        ("2020:01:01 10:00:00 PST", "2020-01-01T10:00:00", None),
        ("2020:01:01 10:00", "2020-01-01T10:00:00", None),
    ],
)
def test_parse_datetime(text: str, local: str, zone: str | None) -> None:
    parsed = parse_datetime(text)
    assert parsed is not None
    assert parsed.local == datetime.fromisoformat(local)
    assert parsed.zone == zone
    assert parsed.raw == text


@pytest.mark.parametrize(
    "text", ["", "0000:00:00 00:00:00", "2023:11:15", "14:30:00+00:00", "2023:13:01 00:00:00", "garbage"]
)
def test_parse_datetime_needs_a_real_date_and_time(text: str) -> None:
    assert parse_datetime(text) is None


def test_zone_tags_come_first() -> None:
    tags = {"OffsetTimeOriginal": "-04:00", "TimeZone": "+09:00", "DateTimeOriginal": "2020:01:01 10:00:00"}
    assert infer_zone(tags, is_video=False, gps=(39.0, -108.0)) == ("UTC+9", "TimeZone")
    assert infer_zone({"TimeZoneOffset": [-5, -4]}, is_video=False, gps=None) == ("UTC-5", "TimeZoneOffset")


def test_nikon_daylight_saving_moves_the_zone_an_hour() -> None:
    tags = {"TimeZone": "+01:00", "DaylightSavings": "Yes", "Make": "NIKON CORPORATION"}
    assert infer_zone(tags, is_video=False, gps=None)[0] == "UTC+2"


def test_gps_position_comes_before_offsets_in_dates() -> None:
    tags = {"DateTimeOriginal": "2020:01:01 10:00:00", "CreateDate": "2020:01:01 10:00:00+03:00"}
    assert infer_zone(tags, is_video=False, gps=(48.8584, 2.2945)) == (
        "Europe/Paris",
        "GPSLatitude/GPSLongitude",
    )
    assert infer_zone(tags, is_video=False, gps=None) == ("UTC+3", "CreateDate")


def test_a_utc_offset_in_a_date_proves_nothing() -> None:
    assert infer_zone({"DateTimeCreated": "2012:08:05 11:39:59+00:00"}, is_video=False, gps=None) == (
        None,
        None,
    )


def test_zone_from_the_gap_between_local_and_gps_time() -> None:
    tags = {
        "DateTimeOriginal": "2022:01:10 14:15:44",
        "GPSDateStamp": "2022:01:10",
        "GPSTimeStamp": "21:15:33",
    }
    assert infer_zone(tags, is_video=False, gps=None) == (
        "UTC-7",
        "offset between DateTimeOriginal and GPSDateTimeStamp",
    )
    far_apart = {"DateTimeOriginal": "2023:02:02 02:00:00", "GPSDateTime": "2023:08:08 08:00:00"}
    assert infer_zone(far_apart, is_video=False, gps=None) == (None, None)


def test_zone_from_timestamp() -> None:
    tags = {"DateTimeOriginal": "2024:01:12 21:38:53", "TimeStamp": "2024:01:13 05:38:53.853+00:00"}
    assert infer_zone(tags, is_video=False, gps=None) == (
        "UTC-8",
        "offset between DateTimeOriginal and TimeStamp",
    )


def test_videos_without_better_evidence_are_utc() -> None:
    assert infer_zone({"CreateDate": "2023:12:24 20:00:00"}, is_video=True, gps=None) == (
        "UTC",
        "defaultVideosToUTC",
    )


def test_zoneless_dates_take_the_file_zone_but_utc_tags_stay_utc() -> None:
    tags = {"DateTimeOriginal": "2025:12:01 11:30:00", "GPSDateTime": "2025:12:01 18:30:00"}
    parsed = parse_date_tags(tags, "America/Denver", is_video=False)
    assert parsed["DateTimeOriginal"].instant() == utc("2025-12-01T18:30:00")
    assert parsed["GPSDateTime"].zone == "UTC"


def test_an_explicit_utc_offset_is_kept_as_utc_plus_zero() -> None:
    value = parse_datetime("2021:01:01 12:00:00+00:00")
    assert value is not None
    dates = resolve_dates({"DateTimeOriginal": value}, None, utc("2000-01-01T00:00:00"))
    assert dates.time_zone == "UTC+0"
    assert dates.local_date_time == utc("2021-01-01T12:00:00")


def test_a_zoneless_date_is_shown_in_the_chosen_zone() -> None:
    # a sidecar date without zone merged with the media file's zone: Immich reads it as UTC first
    value = ExifDateTime(datetime(2021, 6, 1, 12, 0), None, "2021:06:01 12:00:00")
    dates = resolve_dates({"CreateDate": value}, "Europe/Berlin", utc("2000-01-01T00:00:00"))
    assert dates.date_time_original == utc("2021-06-01T12:00:00")
    assert dates.local_date_time == utc("2021-06-01T14:00:00")


def test_earliest_file_time() -> None:
    assert earliest_file_time(1000.0, None, None) == datetime.fromtimestamp(1000, UTC)
    assert earliest_file_time(1000.0, 500.0, None) == datetime.fromtimestamp(500, UTC)
    naive = datetime(1970, 1, 1, 0, 1)
    assert earliest_file_time(1000.0, None, naive) == utc("1970-01-01T00:01:00")
