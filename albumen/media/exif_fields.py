"""Immich's rules for turning exiftool tags into its exif columns, one small function per column.

The tags are exiftool's JSON as exiftool-vendored reads it for Immich: print-converted values except
for a few numeric tags (see exiftool._READ_ARGS), so a value may be a number, a string or a list.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

_GPS_REFS = {"GPSLatitude": ("N", "S", 90.0), "GPSLongitude": ("E", "W", 180.0)}

# Orientation that Immich records for a video rotated this many degrees (ffprobe's -90 is 90 here).
VIDEO_ROTATION_ORIENTATION = {0: 1, 90: 6, 180: 3, 270: 8}
SIDEWAYS_ORIENTATIONS = frozenset({5, 6, 7, 8})


def js_string(value: Any) -> str:
    """JavaScript's String(value), which is what Immich stores for a non-string tag value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ",".join("" if item is None else js_string(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def validate(value: Any) -> Any:
    """Immich's `validate`: the first of a list; None for strings (failed number parsing) and NaN."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str | bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def validate_range(value: Any, minimum: int, maximum: int) -> int | None:
    """Immich's `validateRange`: a number within [minimum, maximum], rounded; else None."""
    number = validate(value)
    if number is None or not isinstance(number, int | float) or number < minimum or number > maximum:
        return None
    return math.floor(number + 0.5)  # JavaScript's Math.round


def whole(value: Any) -> int | float | None:
    """A validated number, as int when it has no fraction."""
    number = validate(value)
    if not isinstance(number, int | float):
        return None
    return int(number) if float(number).is_integer() else number


def parse_float(value: Any) -> float | None:
    """JavaScript's Number.parseFloat followed by `validate`."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        match = re.match(
            r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", str(value) if value is not None else ""
        )
        if match is None:
            return None
        number = float(match.group())
    return number if math.isfinite(number) else None


def _coordinate(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def parse_gps(tags: Mapping[str, Any]) -> tuple[tuple[float, float] | None, bool]:
    """(latitude, longitude) and whether the GPS block is invalid, as exiftool-vendored decides.

    Invalid means present but unusable (0,0, out of range, not a number): all GPS tags are then
    dropped. An empty GPS block is simply no position.
    """
    latitude, longitude = _coordinate(tags.get("GPSLatitude")), _coordinate(tags.get("GPSLongitude"))
    if latitude is None or longitude is None:
        position = str(tags.get("GPSPosition") or "").replace(",", " ").split()
        if len(position) == 2:
            latitude = latitude if latitude is not None else _coordinate(position[0])
            longitude = longitude if longitude is not None else _coordinate(position[1])
    if latitude is None or longitude is None:
        return None, False
    if latitude == 0 and longitude == 0:
        return None, True
    values = []
    for name, value in (("GPSLatitude", latitude), ("GPSLongitude", longitude)):
        positive, negative, limit = _GPS_REFS[name]
        if not math.isfinite(value) or abs(value) > limit:
            return None, True
        ref = str(tags.get(f"{name}Ref") or "").strip().upper()[:1]
        if ref == negative:
            value = -abs(value)
        elif ref == positive:
            value = abs(value)
        values.append(value)
    return (values[0], values[1]), False


def dimensions(tags: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """Immich's getImageDimensions: ImageSize ("WxH", right for RAWs) before ImageWidth/ImageHeight."""
    size = tags.get("ImageSize")
    width: int | float | None = None
    height: int | float | None = None
    if size is not None:
        parts = [re.match(r"\s*[+-]?\d+", part) for part in js_string(size).split("x")]
        numbers = [int(match.group()) if match else None for match in parts]
        width, height = [*numbers, None, None][:2]
    if not width or not height:
        width, height = whole(tags.get("ImageWidth")), whole(tags.get("ImageHeight"))
    return (
        int(width) if isinstance(width, int | float) else None,
        int(height) if isinstance(height, int | float) else None,
    )


def lens_model(tags: Mapping[str, Any]) -> str | None:
    """Immich's getLensModel: LensID, LensType, LensSpec, LensModel; unknown lenses are None."""
    value = next(
        (
            tags[name]
            for name in ("LensID", "LensType", "LensSpec", "LensModel")
            if tags.get(name) is not None
        ),
        "",
    )
    lens = js_string(value).strip()
    if lens == "----" or lens.startswith("Unknown"):
        return None
    return lens or None


def bits_per_sample(tags: Mapping[str, Any]) -> int | None:
    """Bits per channel from the first depth tag that is a number ("8 8 8" counts as 8)."""
    for name in ("BitsPerSample", "ComponentBitDepth", "ImagePixelDepth", "BitDepth", "ColorBitDepth"):
        value = tags.get(name)
        if isinstance(value, str):
            match = re.match(r"\s*[+-]?\d+", value)
            value = int(match.group()) if match else None
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            bits = int(value) if float(value).is_integer() else value
            if bits and bits >= 24 and bits % 3 == 0:
                bits //= 3  # per-pixel depth to per-channel
            return int(bits)
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _truthy(value: Any) -> bool:
    return (
        value is not None
        and value != ""
        and value is not False
        and not (isinstance(value, int | float) and (value == 0 or value != value))
    )


def tag_paths(tags: Mapping[str, Any]) -> list[str]:
    """Immich's getTagList: TagsList, else HierarchicalSubject ("a|b" becomes "a/b"), else Keywords."""
    if _truthy(tags.get("TagsList")):
        return [js_string(tag) for tag in _as_list(tags["TagsList"])]
    if _truthy(tags.get("HierarchicalSubject")):
        return [
            js_string(tag)
            if not isinstance(tag, str)
            else "/".join(part.replace("/", "|") for part in tag.split("|"))
            for tag in _as_list(tags["HierarchicalSubject"])
        ]
    if _truthy(tags.get("Keywords")):
        return [js_string(tag) for tag in _as_list(tags["Keywords"])]
    return []


def description(tags: Mapping[str, Any]) -> str:
    """ImageDescription, else Description (MWG's, which covers IPTC Caption-Abstract and XMP dc)."""
    value = tags.get("ImageDescription") or tags.get("Description") or ""
    return js_string(value).strip()


def first_present(tags: Mapping[str, Any], *names: str) -> Any:
    """JavaScript's `a ?? b ?? c` over tag names."""
    return next((tags[name] for name in names if tags.get(name) is not None), None)


def duration_seconds(value: Any) -> float | None:
    """Seconds from exiftool's Duration (a number, or "HH:MM:SS.fff" for some containers)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) if math.isfinite(value) and value >= 0 else None
    match = re.fullmatch(r"\s*(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)\s*", str(value or ""))
    if match is None:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)


def format_duration(seconds: float) -> str:
    """Immich's video duration format, Luxon's "hh:mm:ss.SSS"."""
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"
