"""Zone names as Immich stores them (IANA, or Luxon's fixed-offset names)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from albumen.media.timezones import (
    is_utc,
    likely_offset_minutes,
    normalize_zone,
    offset_zone_name,
    wall_clock_to_utc,
    zone_from_value,
    zone_info,
)


@pytest.mark.parametrize(
    ("minutes", "name"),
    [(0, "UTC"), (-240, "UTC-4"), (330, "UTC+5:30"), (345, "UTC+5:45"), (17, None), (None, None)],
)
def test_offset_zone_name(minutes: int | None, name: str | None) -> None:
    assert offset_zone_name(minutes) == name


@pytest.mark.parametrize(
    ("value", "zone"),
    [
        ("-08:00", "UTC-8"),
        ("+05:30", "UTC+5:30"),
        ("+00:00", "UTC"),
        ("Z", "UTC"),
        ("GMT+2", "UTC+2"),
        (-5, "UTC-5"),
        (5.5, "UTC+5:30"),
        ([9, 10], "UTC+9"),
        ("Europe/Paris", "Europe/Paris"),
        ("2024:01:12 21:38:53.853-08:00", "UTC-8"),
        ("2023:11:15 12:30:00Z", "UTC"),
        ("2023:02:02 02:00:00", None),
        ("+27:00", None),
        ("Europe/Zurich", "Europe/Zurich"),
        ("America/Port-au-Prince", "America/Port-au-Prince"),
        (True, None),
        ("", None),
    ],
)
def test_zone_from_value(value: object, zone: str | None) -> None:
    assert zone_from_value(value) == zone


def test_names_resolve_to_tzinfo() -> None:
    assert zone_info("UTC-4") is not None and zone_info("UTC-4").utcoffset(None) == timedelta(hours=-4)  # type: ignore[union-attr]
    assert zone_info("UTC+0") is not None
    assert zone_info("No/Such_Zone") is None
    assert normalize_zone("America/Port-au-Prince") == "America/Port-au-Prince"
    assert is_utc("+00:00") and is_utc("UTC") and not is_utc("UTC+1")


def test_likely_offset_minutes() -> None:
    assert likely_offset_minutes(-419.9) == -420
    assert likely_offset_minutes(335) == 330
    assert likely_offset_minutes(60 * 24 * 30) is None


def test_wall_clock_to_utc_follows_daylight_saving() -> None:
    winter = wall_clock_to_utc(datetime(2022, 1, 10, 12, 0), "America/Denver")
    summer = wall_clock_to_utc(datetime(2022, 7, 10, 12, 0), "America/Denver")
    assert (winter.hour, summer.hour) == (19, 18)
