"""``AssetResponseDto`` for long lists (search pages, folders): JSON-ready dicts, not models.

Search pages hold hundreds of assets; building and serializing a pydantic model for each costs
more than the query, so lists build plain dicts here. ``tests/dto/test_asset_items.py`` checks
they match ``to_asset_dto`` field for field, so the two can't drift apart.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from typing import Any

from albumen.dto.assets import AssetVisibility, encode_checksum
from albumen.dto.base import iso_timestamp
from albumen.media.formats import mime_type_of


def asset_item(
    asset: Mapping[str, Any],
    exif: Mapping[str, Any] | None,
    *,
    with_exif: bool,
    viewer_id: uuid.UUID,
    people: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """What ``to_asset_dto(asset, exif=exif, with_exif=…)`` serializes to, for ``viewer_id``.

    ``asset`` and ``exif`` are rows of ``asset`` and ``asset_exif`` by column name (database records,
    not ORM objects: a page of them loads several times faster). A favourite is the owner's mark:
    others (partners, album members) see false, as in Immich.
    """
    item: dict[str, Any] = {
        "id": str(asset["id"]),
        "ownerId": str(asset["owner_id"]),
        "libraryId": str(asset["library_id"]) if asset["library_id"] else None,
        "type": asset["type"],
        "originalPath": asset["original_path"],
        "originalFileName": asset["original_file_name"],
        "originalMimeType": mime_type_of(asset["original_file_name"]),
        "thumbhash": base64.b64encode(asset["thumbhash"]).decode() if asset["thumbhash"] else None,
        "fileCreatedAt": iso_timestamp(asset["file_created_at"]),
        "fileModifiedAt": iso_timestamp(asset["file_modified_at"]),
        "localDateTime": iso_timestamp(asset["local_date_time"]),
        "createdAt": iso_timestamp(asset["created_at"]),
        "updatedAt": iso_timestamp(asset["updated_at"]),
        "isFavorite": asset["is_favorite"] and asset["owner_id"] == viewer_id,
        "isArchived": asset["visibility"] == AssetVisibility.ARCHIVE,
        "isTrashed": asset["deleted_at"] is not None,
        "isOffline": asset["is_offline"],
        "isEdited": asset["is_edited"],
        "visibility": asset["visibility"],
        "duration": asset["duration_ms"],
        "width": asset["width"],
        "height": asset["height"],
    }
    if exif is not None and with_exif:
        item["exifInfo"] = exif_item(exif)
    item["livePhotoVideoId"] = str(asset["live_photo_video_id"]) if asset["live_photo_video_id"] else None
    item["tags"] = []
    item["people"] = people if people is not None else []
    item["checksum"] = encode_checksum(asset["checksum"])
    item["duplicateId"] = str(asset["duplicate_id"]) if asset["duplicate_id"] else None
    item["resized"] = asset["thumbhash"] is not None
    item["hasMetadata"] = exif is not None
    return item


def exif_item(exif: Mapping[str, Any]) -> dict[str, Any]:
    """``ExifResponseDto``, JSON-ready (as ``to_exif_dto`` serialized)."""
    return {
        "make": exif["make"],
        "model": exif["model"],
        "exifImageWidth": exif["exif_image_width"],
        "exifImageHeight": exif["exif_image_height"],
        "fileSizeInByte": exif["file_size_in_byte"],
        "orientation": exif["orientation"],
        "dateTimeOriginal": iso_timestamp(exif["date_time_original"]) if exif["date_time_original"] else None,
        "modifyDate": iso_timestamp(exif["modify_date"]) if exif["modify_date"] else None,
        "timeZone": exif["time_zone"],
        "lensModel": exif["lens_model"],
        "fNumber": exif["f_number"],
        "focalLength": exif["focal_length"],
        "iso": exif["iso"],
        "exposureTime": exif["exposure_time"],
        "latitude": exif["latitude"],
        "longitude": exif["longitude"],
        "city": exif["city"],
        "state": exif["state"],
        "country": exif["country"],
        "description": exif["description"],
        "projectionType": exif["projection_type"],
        "rating": exif["rating"],
    }
