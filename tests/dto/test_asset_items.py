"""``asset_item`` (lists, from database records) gives what ``to_asset_dto`` (one asset) serializes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from albumen.db.tables import Asset, AssetExif
from albumen.dto.asset_items import asset_item
from albumen.dto.assets import to_asset_dto

TAKEN = datetime(2024, 7, 14, 18, 30, 12, 345678, tzinfo=UTC)


def make_asset(**values: Any) -> Asset:
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "owner_id": uuid.uuid4(),
        "library_id": None,
        "type": "IMAGE",
        "original_path": "upload/a/b/c.jpg",
        "original_file_name": "IMG_0001.HEIC",
        "checksum": b"\x01" * 20,
        "file_created_at": TAKEN,
        "file_modified_at": TAKEN,
        "local_date_time": TAKEN + timedelta(hours=2),
        "created_at": TAKEN,
        "updated_at": TAKEN,
        "is_favorite": False,
        "visibility": "timeline",
        "is_offline": False,
        "is_edited": False,
        "duration_ms": None,
        "width": None,
        "height": None,
        "thumbhash": None,
        "live_photo_video_id": None,
        "duplicate_id": None,
        "deleted_at": None,
        "stack_id": None,
    }
    row.update(values)
    return Asset(**row)


def make_exif(asset: Asset, **values: Any) -> AssetExif:
    row: dict[str, Any] = {
        "asset_id": asset.id,
        "make": "Canon",
        "model": "EOS R6",
        "lens_model": None,
        "exif_image_width": 6000,
        "exif_image_height": 4000,
        "file_size_in_byte": 123456,
        "orientation": "6",
        "date_time_original": TAKEN,
        "modify_date": None,
        "time_zone": "Europe/Paris",
        "latitude": 48.85,
        "longitude": 2.35,
        "city": "Paris",
        "state": "Île-de-France",
        "country": "France",
        "description": "",
        "f_number": 1.8,
        "focal_length": 50.0,
        "iso": 100,
        "exposure_time": "1/250",
        "projection_type": None,
        "rating": 4,
    }
    row.update(values)
    return AssetExif(**row)


def record(row: Asset | AssetExif) -> dict[str, Any]:
    """The row as the database returns it: values by column name."""
    return {column.name: getattr(row, column.name) for column in type(row).__table__.columns}


CASES = [
    pytest.param({}, {}, True, id="plain photo"),
    pytest.param(
        {
            "type": "VIDEO",
            "original_file_name": "clip.mp4",
            "duration_ms": 12_500,
            "width": 1920,
            "height": 1080,
            "thumbhash": b"\x10\x20\x30",
            "is_favorite": True,
            "visibility": "archive",
            "library_id": uuid.uuid4(),
            "live_photo_video_id": uuid.uuid4(),
            "duplicate_id": uuid.uuid4(),
            "deleted_at": TAKEN,
            "is_offline": True,
            "is_edited": True,
        },
        {"modify_date": TAKEN, "rating": None, "latitude": None, "longitude": None},
        True,
        id="everything set",
    ),
    pytest.param({}, {}, False, id="without exif"),
    pytest.param({}, None, True, id="no exif row"),
]


@pytest.mark.parametrize(("asset_values", "exif_values", "with_exif"), CASES)
def test_list_items_match_the_single_asset_response(
    asset_values: dict[str, Any], exif_values: dict[str, Any] | None, with_exif: bool
) -> None:
    asset = make_asset(**asset_values)
    exif = make_exif(asset, **exif_values) if exif_values is not None else None
    expected = to_asset_dto(asset, exif=exif, with_exif=with_exif).model_dump(mode="json")
    exif_record = record(exif) if exif is not None else None
    item = asset_item(record(asset), exif_record, with_exif=with_exif, viewer_id=asset.owner_id)
    assert item == expected


def test_others_never_see_the_owners_favourite() -> None:
    asset = make_asset(is_favorite=True)
    assert asset_item(record(asset), None, with_exif=False, viewer_id=asset.owner_id)["isFavorite"] is True
    assert asset_item(record(asset), None, with_exif=False, viewer_id=uuid.uuid4())["isFavorite"] is False
