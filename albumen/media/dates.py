"""When a photo was taken, following Immich's rules.

Immich reads dates through exiftool-vendored, which (with the options Immich sets) first settles one
time zone for the whole file, then reads every zoneless date as wall-clock time in that zone. Immich
then takes the first date tag in its priority list, keeps its instant as `dateTimeOriginal`, and
stores the wall-clock time in the chosen zone, labelled UTC, as `localDateTime`. The functions here
reproduce those steps: `infer_zone` (exiftool-vendored's ReadTask tz extraction), `parse_date_tags`
(its per-tag parsing) and `resolve_dates` (Immich's MetadataService.getDates).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from albumen.media.timezones import (
    fixed_zone_name,
    is_utc,
    likely_offset_minutes,
    offset_zone_name,
    wall_clock_to_utc,
    zone_at,
    zone_from_value,
    zone_info,
)

# Immich's EXIF_DATE_TAGS: the first of these holding a date and time wins.
EXIF_DATE_TAGS = (
    "SubSecDateTimeOriginal",
    "SubSecCreateDate",
    "SubSecMediaCreateDate",
    "DateTimeOriginal",
    "CreationDate",
    "CreateDate",
    "MediaCreateDate",
    "DateTimeCreated",
    "GPSDateTime",
    "DateTimeUTC",
    "SonyDateTime2",
    "SourceImageCreateTime",  # insta360's non-standard XMP-GPano tag
)

# exiftool-vendored's CapturedAtTagNames: the tags a time zone may be inferred from.
CAPTURED_AT_TAGS = (
    "SubSecDateTimeOriginal",
    "DateTimeOriginal",
    "SubSecCreateDate",
    "CreationDate",
    "CreateDate",
    "SubSecMediaCreateDate",
    "MediaCreateDate",
    "DateTimeCreated",
)

_ZONE_TAGS = ("TimeZone", "OffsetTimeOriginal", "OffsetTimeDigitized", "TimeZoneOffset")

_DATE_TIME = re.compile(
    r"^(?P<y>\d{1,4})(?P<sep>[:-])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})[ T]"
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d+))?)?"
    r"(?:(?P<z>Z)|(?P<sign>[+-])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?)?$"
)


@dataclass(frozen=True)
class ExifDateTime:
    """A date and time as written in a file: wall-clock time plus the zone it is in, if known."""

    local: datetime  # naive, millisecond precision
    zone: str | None
    raw: str
    inferred_zone: bool = False

    def instant(self) -> datetime:
        """The moment in UTC; a zoneless value counts as UTC wall-clock time, as on Immich's server."""
        if self.zone is None:
            return self.local.replace(tzinfo=UTC)
        return wall_clock_to_utc(self.local, self.zone)

    def set_zone(self, zone: str) -> ExifDateTime:
        """Move a zoned value to another zone (same instant); give a zoneless one the zone."""
        if self.zone is None:
            return replace(self, zone=zone)
        tz = zone_info(zone) or UTC
        local = self.instant().astimezone(tz).replace(tzinfo=None)
        return replace(self, local=local, zone=zone)


def parse_datetime(text: Any, default_zone: str | None = None) -> ExifDateTime | None:
    """Parse "YYYY:MM:DD HH:MM[:SS[.fff]][Z|±HH:MM]" (or its ISO form); None without a date and time."""
    if not isinstance(text, str) or not text.strip():
        return None
    raw = text.strip()
    candidates = [raw]
    if not re.search(r"[.\d\s](?:UTC|Z)$", raw):
        without_abbreviation = re.sub(r" [a-z]{2,5}$", "", raw, flags=re.IGNORECASE)
        if without_abbreviation != raw:
            candidates.append(without_abbreviation)
    for candidate in candidates:
        match = _DATE_TIME.match(candidate)
        if match is None:
            continue
        parts = match.groupdict()
        fraction = parts["f"] or ""
        millisecond = int((fraction + "000")[:3]) if fraction else 0
        try:
            local = datetime(
                int(parts["y"]),
                int(parts["mo"]),
                int(parts["d"]),
                int(parts["h"]),
                int(parts["mi"]),
                int(parts["s"] or 0),
                millisecond * 1000,
            )
        except ValueError:
            continue
        if local.year <= 1:
            continue
        if parts["z"]:
            return ExifDateTime(local, "UTC", raw)
        if parts["sign"]:
            minutes = int(parts["oh"]) * 60 + int(parts["om"] or 0)
            if minutes > 14 * 60:
                continue
            return ExifDateTime(local, fixed_zone_name(-minutes if parts["sign"] == "-" else minutes), raw)
        return ExifDateTime(local, default_zone, raw, inferred_zone=default_zone is not None)
    return None


def _local_seconds(value: ExifDateTime) -> float:
    return value.local.replace(tzinfo=UTC).timestamp()


def _zone_from_tags(tags: Mapping[str, Any]) -> tuple[str, str] | None:
    for name in _ZONE_TAGS:
        zone = zone_from_value(tags.get(name))
        if zone is None:
            continue
        # Nikon cameras write standard time plus a DaylightSavings flag (exiftool-vendored #215).
        daylight = str(tags.get("DaylightSavings", "")).strip().lower() in {"yes", "true", "1", "on"}
        if daylight and re.search(r"\bnikon\b", str(tags.get("Make", "")), re.IGNORECASE):
            tz = zone_info(zone)
            offset = tz.utcoffset(None) if tz is not None else None
            if offset is not None:
                adjusted = offset_zone_name(int(offset.total_seconds() // 60) + 60)
                if adjusted:
                    return adjusted, f"{name} (adjusted for DaylightSavings)"
        return zone, name
    return None


def _zone_from_datestamps(tags: Mapping[str, Any]) -> tuple[str, str] | None:
    for name in CAPTURED_AT_TAGS:
        if tags.get(name) is None:
            continue
        zone = zone_from_value(tags[name])
        # Google Takeout adds a spurious "+00:00" to random dates, so UTC proves nothing.
        if zone is not None and not is_utc(zone):
            return zone, name
    return None


def _zone_from_utc_dates(tags: Mapping[str, Any]) -> tuple[str, str] | None:
    gps_stamp = None
    if str(tags.get("GPSDateStamp") or "").strip() and str(tags.get("GPSTimeStamp") or "").strip():
        gps_stamp = f"{tags['GPSDateStamp']} {tags['GPSTimeStamp']}"
    sources = {
        "GPSDateTime": tags.get("GPSDateTime"),
        "DateTimeUTC": tags.get("DateTimeUTC"),
        "GPSDateTimeStamp": gps_stamp,
        "SonyDateTime2": tags.get("SonyDateTime2"),
    }
    utc = None
    for name, value in sources.items():
        parsed = parse_datetime(value)
        if parsed is not None and (parsed.zone is None or is_utc(parsed.zone)):
            utc = (name, _local_seconds(parsed))
            break
    if utc is None:
        return None
    for name in CAPTURED_AT_TAGS:
        parsed = parse_datetime(tags.get(name))
        if parsed is not None and parsed.zone is None:
            offset = likely_offset_minutes((_local_seconds(parsed) - utc[1]) / 60)
            zone = offset_zone_name(offset)
            return (zone, f"offset between {name} and {utc[0]}") if zone else None
    return None


def _zone_from_timestamp(tags: Mapping[str, Any]) -> tuple[str, str] | None:
    stamp = parse_datetime(tags.get("TimeStamp"))
    if stamp is None:
        return None
    for name in CAPTURED_AT_TAGS:
        parsed = parse_datetime(tags.get(name))
        if parsed is None:
            continue
        if parsed.zone is not None:
            return parsed.zone, name
        delta = math.floor((_local_seconds(parsed) - stamp.instant().timestamp()) / 60)
        zone = offset_zone_name(likely_offset_minutes(delta))
        if zone is not None:
            return zone, f"offset between {name} and TimeStamp"
    return None


def infer_zone(
    tags: Mapping[str, Any], *, is_video: bool, gps: tuple[float, float] | None
) -> tuple[str | None, str | None]:
    """The file's time zone and where it came from, in exiftool-vendored's order of trust."""
    found = _zone_from_tags(tags)
    if found is None and gps is not None:
        zone = zone_at(*gps)
        found = (zone, "GPSLatitude/GPSLongitude") if zone else None
    found = found or _zone_from_datestamps(tags)
    if found is None and is_video:
        # Videos usually store UTC without saying so (exiftool-vendored #113).
        found = ("UTC", "defaultVideosToUTC")
    found = found or _zone_from_utc_dates(tags) or _zone_from_timestamp(tags)
    return found if found else (None, None)


def _is_utc_tag(name: str) -> bool:
    return "UTC" in name or name.startswith("GPS")


def parse_date_tags(tags: Mapping[str, Any], zone: str | None, *, is_video: bool) -> dict[str, ExifDateTime]:
    """The date tags Immich looks at, parsed the way exiftool-vendored reads them."""
    parsed: dict[str, ExifDateTime] = {}
    for name in EXIF_DATE_TAGS:
        value = tags.get(name)
        if not isinstance(value, str) or re.fullmatch(r"0+", value.strip()):
            continue
        default = "UTC" if _is_utc_tag(name) or is_video else zone
        result = parse_datetime(value, default)
        if result is None:
            continue
        if is_video and zone is not None and not _is_utc_tag(name) and result.inferred_zone:
            result = result.set_zone(zone)
        parsed[name] = result
    return parsed


@dataclass(frozen=True)
class Dates:
    """The three date fields Immich derives for an asset."""

    date_time_original: datetime  # the instant, UTC
    local_date_time: datetime  # wall-clock time where it was taken, labelled UTC
    time_zone: str | None
    source: str  # the tag it came from, or "file" for the file system fallback


def _milliseconds(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def resolve_dates(date_tags: Mapping[str, ExifDateTime], zone: str | None, fallback: datetime) -> Dates:
    """Immich's getDates: the first usable date tag, or `fallback` (earliest file time) without one."""
    tag = next((name for name in EXIF_DATE_TAGS if name in date_tags), None)
    time_zone = zone
    if tag is None:
        instant = _milliseconds(fallback.astimezone(UTC))
        return Dates(instant, instant, time_zone, "file")
    value = date_tags[tag]
    if time_zone is None and value.raw.endswith("+00:00"):
        # exiftool-vendored reports no zone for an explicit "+00:00" (its issue #203).
        time_zone = "UTC+0"
    instant = _milliseconds(value.instant())
    tz = zone_info(time_zone or "UTC") or UTC
    local = instant.astimezone(tz).replace(tzinfo=UTC)
    return Dates(instant, local, time_zone, tag)


def earliest_file_time(mtime: float, birthtime: float | None, file_created_at: datetime | None) -> datetime:
    """Immich's fallback date: the earliest of the upload's fileCreatedAt and the file's own times."""
    candidates = [datetime.fromtimestamp(mtime, UTC)]
    if birthtime:
        candidates.append(datetime.fromtimestamp(birthtime, UTC))
    if file_created_at is not None:
        aware = file_created_at if file_created_at.tzinfo else file_created_at.replace(tzinfo=UTC)
        candidates.append(aware.astimezone(UTC))
    return min(candidates)
