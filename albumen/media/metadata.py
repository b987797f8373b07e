"""Everything Immich learns from a file's metadata, in one call: `extract_metadata`.

The metadata job calls this once per uploaded file (and its XMP sidecar, if any) and stores the
result in the asset and exif tables. Reading goes through the worker's persistent exiftool process;
the rules that turn tags into fields are Immich's (MetadataService), see dates.py and exif_fields.py.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from albumen.media import exif_fields as fields
from albumen.media.dates import (
    EXIF_DATE_TAGS,
    ExifDateTime,
    earliest_file_time,
    infer_zone,
    parse_date_tags,
    resolve_dates,
)
from albumen.media.exiftool import ExifTool, ExifToolError, get_exiftool
from albumen.media.geocoding import NO_PLACE, Place, reverse_geocode
from albumen.media.motion_photos import MotionPhoto, find_motion_photo

# Immich reads embedded (timed) metadata, e.g. GPS tracks, for files with these extensions.
VIDEO_EXTENSIONS = frozenset(
    [
        ".3gp",
        ".3gpp",
        ".avi",
        ".flv",
        ".insv",
        ".m2t",
        ".m2ts",
        ".m4v",
        ".mkv",
        ".mov",
        ".mp4",
        ".mpe",
        ".mpeg",
        ".mpg",
        ".mts",
        ".vob",
        ".webm",
        ".wmv",
    ]
)


@dataclass(frozen=True)
class ExtractedMetadata:
    """The asset and exif fields Immich derives from a file (snake_case of Immich's names)."""

    # dates (see dates.resolve_dates)
    date_time_original: datetime
    local_date_time: datetime
    time_zone: str | None
    date_source: str
    file_modified_at: datetime
    file_size_in_byte: int
    # place
    latitude: float | None
    longitude: float | None
    city: str | None
    state: str | None
    country: str | None
    # image
    mime_type: str | None
    exif_image_width: int | None  # as stored in the file
    exif_image_height: int | None
    width: int | None  # as displayed, i.e. swapped for sideways orientations
    height: int | None
    orientation: str | None
    projection_type: str | None
    bits_per_sample: int | None
    colorspace: str | None
    profile_description: str | None
    # camera
    make: str | None
    model: str | None
    lens_model: str | None
    f_number: float | None
    focal_length: float | None
    iso: int | None
    exposure_time: str | None
    # video
    fps: float | None
    duration: str | None  # "hh:mm:ss.SSS" for videos
    # description and organisation
    description: str
    rating: int | None
    tags: tuple[str, ...]
    live_photo_cid: str | None
    auto_stack_id: str | None
    motion_photo: MotionPhoto | None
    # what went wrong while reading (the fields above then fall back to file system facts)
    errors: tuple[str, ...] = ()
    raw_tags: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_video(self) -> bool:
        return (self.mime_type or "").startswith("video/")


def interpret_tags(raw: Mapping[str, Any]) -> dict[str, Any]:
    """One file's tags as exiftool-vendored hands them to Immich: GPS checked, the file's time zone
    in "tz", and date tags replaced by ExifDateTime values."""
    tags = dict(raw)
    gps, invalid = fields.parse_gps(raw)
    if invalid:
        tags = {name: value for name, value in tags.items() if not name.startswith(("GPS", "Geolocation"))}
    elif gps is not None:
        tags["GPSLatitude"], tags["GPSLongitude"] = gps
    is_video = str(raw.get("MIMEType") or "").startswith("video/")
    zone, source = infer_zone(raw, is_video=is_video, gps=gps)
    tags.update(parse_date_tags(tags, zone, is_video=is_video))
    if zone is not None:
        tags["tz"], tags["tzSource"] = zone, source
    return tags


@contextmanager
def _utf8_copy(path: str | os.PathLike[str]) -> Iterator[str | os.PathLike[str]]:
    # Lightroom writes UTF-16 sidecars, which exiftool before 13 cannot parse.
    with open(path, "rb") as handle:
        head = handle.read(4)
    encoding = None
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        encoding = "utf-32"
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    if encoding is None:
        yield path
        return
    text = Path(path).read_bytes().decode(encoding, errors="replace")
    with tempfile.TemporaryDirectory(prefix="albumen-xmp-") as directory:
        copy = Path(directory) / "sidecar.xmp"
        copy.write_text(text, encoding="utf-8")
        yield copy


def _read(
    tool: ExifTool, path: str | os.PathLike[str], errors: list[str], *, embedded: bool
) -> dict[str, Any]:
    try:
        raw = tool.read_tags(path, extract_embedded=embedded)
    except ExifToolError as error:
        errors.append(str(error))
        return {}
    if raw.get("Error"):
        errors.append(f"{os.fspath(path)}: {raw['Error']}")
    return raw


def _video_orientation(tags: Mapping[str, Any]) -> int | None:
    rotation = fields.whole(tags.get("Rotation"))
    return fields.VIDEO_ROTATION_ORIENTATION.get(int(rotation) % 360) if isinstance(rotation, int) else None


def _merge(
    media: dict[str, Any], sidecar: dict[str, Any] | None, video_tags: dict[str, Any]
) -> dict[str, Any]:
    # Immich's mergeExifTags: a sidecar date replaces every file date; otherwise sidecar tags win.
    if sidecar is None:
        return {**media, **video_tags}
    if any(isinstance(sidecar.get(name), ExifDateTime) for name in EXIF_DATE_TAGS):
        media = {name: value for name, value in media.items() if name not in EXIF_DATE_TAGS}
    return {**media, **video_tags, **sidecar}


def _text(value: Any) -> str | None:
    return None if value is None else fields.js_string(value)


def extract_metadata(
    path: str | os.PathLike[str],
    sidecar_path: str | os.PathLike[str] | None = None,
    *,
    file_created_at: datetime | None = None,
    reverse_geocoding: bool = True,
    exiftool: ExifTool | None = None,
) -> ExtractedMetadata:
    """Read a file (and its XMP sidecar) and derive Immich's metadata fields.

    `file_created_at` is the client's creation time from the upload; with no date in the metadata
    the earliest of it and the file's own times is used. Unreadable or corrupt files give the
    file-system fallbacks with `errors` set; a missing file raises FileNotFoundError.
    """
    stat = os.stat(path)
    tool = exiftool or get_exiftool()
    errors: list[str] = []
    media_raw = _read(tool, path, errors, embedded=Path(os.fspath(path)).suffix.lower() in VIDEO_EXTENSIONS)
    mime_type = _text(media_raw.get("MIMEType"))
    is_video = (mime_type or "").startswith("video/")
    media = interpret_tags(media_raw)

    sidecar = None
    if sidecar_path is not None:
        try:
            with _utf8_copy(sidecar_path) as readable:
                sidecar = interpret_tags(_read(tool, readable, errors, embedded=False))
        except OSError as error:
            errors.append(f"cannot read sidecar {os.fspath(sidecar_path)!r}: {error}")

    video_tags: dict[str, Any] = {}
    seconds = fields.duration_seconds(media.get("Duration"))
    if is_video:
        orientation = _video_orientation(media)
        if orientation is not None:
            video_tags["Orientation"] = orientation
    tags = _merge(media, sidecar, video_tags)

    date_tags = {name: tags[name] for name in EXIF_DATE_TAGS if isinstance(tags.get(name), ExifDateTime)}
    fallback = earliest_file_time(stat.st_mtime, getattr(stat, "st_birthtime", None), file_created_at)
    dates = resolve_dates(date_tags, tags.get("tz"), fallback)

    latitude, longitude = fields.validate(tags.get("GPSLatitude")), fields.validate(tags.get("GPSLongitude"))
    place: Place = NO_PLACE
    if (
        not isinstance(latitude, int | float)
        or not isinstance(longitude, int | float)
        or latitude == longitude == 0
    ):
        latitude = longitude = None
    elif reverse_geocoding:
        try:
            place = reverse_geocode(float(latitude), float(longitude))
        except Exception as error:  # a broken geocoder must not lose the rest of the metadata
            errors.append(f"reverse geocoding failed: {error}")

    place = _place_named_in_file(tags, place)

    width, height = fields.dimensions(tags)
    orientation = fields.validate(tags.get("Orientation"))
    sideways = isinstance(orientation, int | float) and int(orientation) in fields.SIDEWAYS_ORIENTATIONS
    projection = tags.get("ProjectionType")
    f_number, focal_length = fields.whole(tags.get("FNumber")), fields.whole(tags.get("FocalLength"))
    iso = fields.whole(tags.get("ISO"))

    return ExtractedMetadata(
        date_time_original=dates.date_time_original,
        local_date_time=dates.local_date_time,
        time_zone=dates.time_zone,
        date_source=dates.source,
        file_modified_at=datetime.fromtimestamp(stat.st_mtime, UTC),
        file_size_in_byte=stat.st_size,
        latitude=None if latitude is None else float(latitude),
        longitude=None if longitude is None else float(longitude),
        city=place.city,
        state=place.state,
        country=place.country,
        mime_type=mime_type,
        exif_image_width=width,
        exif_image_height=height,
        width=height if sideways else width,
        height=width if sideways else height,
        orientation=None if orientation is None else fields.js_string(orientation),
        projection_type=fields.js_string(projection).upper() if projection else None,
        bits_per_sample=fields.bits_per_sample(tags),
        colorspace=_text(tags.get("ColorSpace")),
        profile_description=_text(tags.get("ProfileDescription") or None),
        make=_text(_coalesce(tags.get("Make"), _device(tags, "Manufacturer"), tags.get("AndroidMake"))),
        model=_text(_coalesce(tags.get("Model"), _device(tags, "ModelName"), tags.get("AndroidModel"))),
        lens_model=fields.lens_model(tags),
        f_number=None if f_number is None else float(f_number),
        focal_length=None if focal_length is None else float(focal_length),
        iso=int(iso) if isinstance(iso, int | float) else None,
        exposure_time=_text(tags.get("ExposureTime")),
        fps=fields.parse_float(tags.get("VideoFrameRate")),
        duration=_duration(tags, seconds, is_video=is_video),
        description=fields.description(tags),
        rating=fields.validate_range(tags.get("Rating"), -1, 5),
        tags=tuple(fields.tag_paths(tags)),
        live_photo_cid=_text(tags.get("ContentIdentifier") or tags.get("MediaGroupUUID") or None),
        auto_stack_id=_text(
            fields.first_present(tags, "BurstID", "BurstUUID", "CameraBurstID", "MediaUniqueID")
        ),
        motion_photo=None if is_video else find_motion_photo(tags, stat.st_size),
        errors=tuple(errors),
        raw_tags=tags,
    )


def _place_named_in_file(tags: Mapping[str, Any], geocoded: Place) -> Place:
    """Location names the photographer wrote into the file (XMP/IPTC) win over the nearest GeoNames place.

    Albumen departs from Immich here: a tagged "Thompson Springs" 20 km from a bigger town is what the
    person meant, and geocoding only fills the names the file leaves out.
    """
    city = _text(_coalesce(tags.get("City")))
    state = _text(_coalesce(tags.get("State"), tags.get("Province-State")))
    country = _text(_coalesce(tags.get("Country"), tags.get("Country-PrimaryLocationName")))
    if not (city or state or country):
        return geocoded
    return Place(
        city=city or (geocoded.city if not country or country == geocoded.country else None),
        state=state or (geocoded.state if not country or country == geocoded.country else None),
        country=country or geocoded.country,
    )


def _coalesce(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _device(tags: Mapping[str, Any], key: str) -> Any:
    device = tags.get("Device")
    return device.get(key) if isinstance(device, dict) else None


def _duration(tags: Mapping[str, Any], seconds: float | None, *, is_video: bool) -> str | None:
    if is_video:
        return fields.format_duration(seconds) if seconds is not None else None
    value = tags.get("Duration")
    return None if value is None else fields.js_string(value)
