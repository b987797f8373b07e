"""Time zone names as Immich stores them, and the zone at a GPS position.

Immich stores either an IANA name ("America/Denver") or a fixed offset written the way Luxon names
fixed-offset zones ("UTC", "UTC-4", "UTC+5:30"). Only offsets in use by the tz database in the last
fifty years count as valid, as in exiftool-vendored, so a garbage offset never becomes a time zone.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_VALID_OFFSETS = [
    "-11:00",
    "-10:00",
    "-09:30",
    "-09:00",
    "-08:30",
    "-08:00",
    "-07:00",
    "-06:00",
    "-05:00",
    "-04:30",
    "-04:00",
    "-03:30",
    "-03:00",
    "-02:30",
    "-02:00",
    "-01:00",
    "+00:00",
    "+01:00",
    "+02:00",
    "+03:00",
    "+03:30",
    "+04:00",
    "+04:30",
    "+05:00",
    "+05:30",
    "+05:45",
    "+06:00",
    "+06:30",
    "+07:00",
    "+07:30",
    "+08:00",
    "+08:30",
    "+08:45",
    "+09:00",
    "+09:30",
    "+09:45",
    "+10:00",
    "+10:30",
    "+11:00",
    "+12:00",
    "+12:45",
    "+13:00",
    "+13:45",
    "+14:00",
]


def _offset_minutes(text: str) -> int:
    sign = -1 if text[0] == "-" else 1
    hours, minutes = text[1:].split(":")
    return sign * (int(hours) * 60 + int(minutes))


VALID_OFFSET_MINUTES = frozenset(_offset_minutes(offset) for offset in _VALID_OFFSETS)
_SORTED_OFFSETS = sorted(VALID_OFFSET_MINUTES)

_FIXED_ZONE = re.compile(r"^UTC([+-])(\d{1,2})(?::(\d{2}))?$")
_UTC_NAMES = frozenset(
    {"UTC", "GMT", "Z", "+0", "+00:00", "UTC+0", "GMT+0", "UTC+00:00", "GMT+00:00", "Zulu"}
)
# Trailing offset or "Z" inside a longer string, as exiftool-vendored's extractZone finds it.
_OFFSET_IN_TEXT = re.compile(r"(?P<z>Z)|(?:(?:UTC)?(?P<sign>[+-])(?P<hours>\d\d?)(?::(?P<minutes>\d\d))?)$")


def offset_zone_name(minutes: int | None) -> str | None:
    """Luxon's name for a fixed-offset zone ("UTC", "UTC-4", "UTC+5:30"), or None if not a real offset."""
    if minutes is None or minutes not in VALID_OFFSET_MINUTES:
        return None
    return fixed_zone_name(minutes)


def fixed_zone_name(minutes: int) -> str:
    """Luxon's name for any fixed offset, as a date that states its own offset gets."""
    if minutes == 0:
        return "UTC"
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def likely_offset_minutes(delta_minutes: float) -> int | None:
    """The valid offset nearest to a measured difference between local and UTC clocks (< 30 min away)."""
    nearest = min(_SORTED_OFFSETS, key=lambda offset: abs(offset - delta_minutes))
    return nearest if abs(nearest - delta_minutes) < 30 else None


@cache
def zone_info(name: str) -> tzinfo | None:
    """A tzinfo for an Immich zone name (IANA or "UTC±H[:MM]"), or None if it names no zone."""
    if name in _UTC_NAMES:
        return UTC
    fixed = _FIXED_ZONE.match(name)
    if fixed:
        minutes = int(fixed.group(2)) * 60 + int(fixed.group(3) or 0)
        if minutes > 14 * 60:
            return None
        return timezone(timedelta(minutes=-minutes if fixed.group(1) == "-" else minutes))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def normalize_zone(name: str) -> str | None:
    """The canonical Immich spelling of a zone name, or None when it is not a usable zone."""
    name = name.strip()
    if not name:
        return None
    name = re.sub(r"^(?:Zulu|Z|GMT)(?=\b|$)", "UTC", name, flags=re.IGNORECASE)
    if name in _UTC_NAMES:
        return "UTC"
    fixed = _FIXED_ZONE.match(name)
    if fixed:
        minutes = int(fixed.group(2)) * 60 + int(fixed.group(3) or 0)
        return offset_zone_name(-minutes if fixed.group(1) == "-" else minutes)
    # "Etc/GMT+2" and friends are what polygon lookups return at sea: not a place's zone.
    if name.startswith("Etc/") or "/" not in name or zone_info(name) is None:
        return None
    return name


def zone_from_value(value: Any) -> str | None:
    """A zone from a time zone tag value: hours (-5), an offset ("-08:00"), a zone name, or a date
    string that ends in an offset (exiftool-vendored's extractZone)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, list):
        return zone_from_value(next((item for item in value if item is not None), None))
    if isinstance(value, int | float):
        minutes = value * 60
        return offset_zone_name(int(minutes)) if minutes == int(minutes) else None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if normalized := normalize_zone(text):
        return normalized
    if not re.search(r"[.\d\s](?:UTC|Z)$", text):
        text = re.sub(r"\s[a-z]{2,5}$", "", text, flags=re.IGNORECASE)
    if not text:
        return None
    if normalized := normalize_zone(text):
        return normalized
    match = _OFFSET_IN_TEXT.search(text)
    if match is None:
        return None
    if match.group("z"):
        return "UTC"
    minutes = int(match.group("hours")) * 60 + int(match.group("minutes") or 0)
    return offset_zone_name(-minutes if match.group("sign") == "-" else minutes)


def is_utc(zone: str | None) -> bool:
    """Whether a zone name is UTC under any spelling."""
    return zone is not None and (zone in _UTC_NAMES or normalize_zone(zone) == "UTC")


def wall_clock_to_utc(local: datetime, zone: str) -> datetime:
    """The instant at which a naive wall-clock time happens in a zone (UTC if the zone is unknown)."""
    tz = zone_info(zone) or UTC
    return local.replace(tzinfo=tz).astimezone(UTC)


class _ZoneFinder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._finder: Any = None

    def timezone_at(self, latitude: float, longitude: float) -> str | None:
        with self._lock:
            if self._finder is None:
                from timezonefinder import TimezoneFinder

                self._finder = TimezoneFinder()
            name = self._finder.timezone_at(lat=latitude, lng=longitude)
        return normalize_zone(name) if name else None


_finder = _ZoneFinder()


def zone_at(latitude: float, longitude: float) -> str | None:
    """The IANA zone at a position on land (offline polygons; None at sea or out of range)."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return _finder.timezone_at(latitude, longitude)
