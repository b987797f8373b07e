"""List items (``asset_items``, values written by PostgreSQL) are what ``to_asset_dto`` serializes.

Search pages, folders and duplicates send these; the single-asset endpoint sends the model. Each case
stores real rows, then compares the two field for field, as JSON.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select

from albumen.db.engine import Database
from albumen.db.repositories.asset_items import asset_items
from albumen.db.tables import Asset, AssetExif, AssetFace, Person
from albumen.dto.assets import to_asset_dto
from albumen.dto.people import to_person_dto
from albumen.media.formats import MIME_TYPES, UNKNOWN_MIME_TYPE
from tests.helpers import sign_up_admin

TAKEN = datetime(2024, 7, 14, 18, 30, 12, 345678, tzinfo=UTC)
MIME_TYPES_JSON = orjson.dumps(MIME_TYPES).decode()


def json_of(item: tuple[Any, str]) -> Any:
    """What the client receives (the item without its version)."""
    return orjson.loads(item[1])


def asset_row(owner_id: uuid.UUID, **values: Any) -> dict[str, Any]:
    asset_id = uuid.uuid4()
    return {
        "id": asset_id,
        "owner_id": owner_id,
        "type": "IMAGE",
        "original_path": f"upload/{owner_id}/{asset_id}.heic",
        "original_file_name": "IMG_0001.HEIC",
        "checksum": asset_id.bytes + b"\x00" * 4,
        "file_created_at": TAKEN,
        "file_modified_at": TAKEN,
        "local_date_time": TAKEN + timedelta(hours=2),
        **values,
    }


EXIF = {
    "make": "Canon",
    "model": "EOS R6",
    "exif_image_width": 6000,
    "exif_image_height": 4000,
    "file_size_in_byte": 123456,
    "orientation": "6",
    "date_time_original": TAKEN,
    "time_zone": "Europe/Paris",
    "latitude": 48.85,
    "longitude": 2.35,
    "city": "Paris",
    "state": "Île-de-France",
    "country": "France",
    "f_number": 1.8,
    "focal_length": 50.0,
    "iso": 100,
    "exposure_time": "1/250",
    "rating": 4,
}

CASES = [
    pytest.param({}, {}, True, id="plain photo"),
    pytest.param(
        {
            "type": "VIDEO",
            "original_file_name": "clip.mp4",
            "duration_ms": 12_500,
            "width": 1920,
            "height": 1080,
            "thumbhash": b"\x10\x20\x30" * 9,
            "is_favorite": True,
            "visibility": "archive",
            "duplicate_id": uuid.uuid4(),
            "deleted_at": TAKEN,
            "is_offline": True,
            "is_edited": True,
        },
        {"modify_date": TAKEN - timedelta(days=400), "rating": None, "latitude": None, "longitude": None},
        True,
        id="everything set",
    ),
    pytest.param({}, {}, False, id="without exif"),
    pytest.param({}, None, True, id="no exif row"),
    pytest.param(
        {"original_file_name": "scan"},
        {"description": 'a "quoted"\\ line\nnext\ttab \x01 é 😀', "latitude": 1e-05, "longitude": -0.0},
        True,
        id="text and numbers that need escaping",
    ),
    pytest.param({"original_file_name": ".jpg"}, {"make": None, "model": None}, True, id="a dot file"),
    pytest.param({"original_file_name": "holiday.2024..JPEG"}, {}, True, id="dots in the name"),
    pytest.param({"original_file_name": "archive.tar.gz"}, {}, True, id="unknown extension"),
    pytest.param({"original_file_name": "notes.xmp", "thumbhash": b""}, {}, True, id="sidecar, empty hash"),
]


@pytest.mark.parametrize(("asset_values", "exif_values", "with_exif"), CASES)
async def test_items_match_the_single_asset_response(
    client: httpx.AsyncClient,
    database: Database,
    asset_values: dict[str, Any],
    exif_values: dict[str, Any] | None,
    with_exif: bool,
) -> None:
    owner_id = uuid.UUID((await sign_up_admin(client)).user_id)
    row = asset_row(owner_id, **asset_values)
    async with database.session() as db:
        db.add(Asset(**row))
        await db.flush()
        if exif_values is not None:
            db.add(AssetExif(asset_id=row["id"], **{**EXIF, **exif_values}))
        await db.commit()
    async with database.session() as db:
        asset = (await db.execute(select(Asset).where(Asset.id == row["id"]))).scalar_one()
        exif = (
            await db.execute(select(AssetExif).where(AssetExif.asset_id == row["id"]))
        ).scalar_one_or_none()
        expected = to_asset_dto(asset, exif=exif, with_exif=with_exif).model_dump(mode="json")
        items = await asset_items(
            db,
            [asset.id],
            viewer_id=owner_id,
            mime_types=MIME_TYPES_JSON,
            unknown_mime_type=UNKNOWN_MIME_TYPE,
            with_exif=with_exif,
        )
    assert json_of(items[asset.id]) == expected


async def test_others_never_see_the_owners_favourite(client: httpx.AsyncClient, database: Database) -> None:
    owner_id = uuid.UUID((await sign_up_admin(client)).user_id)
    row = asset_row(owner_id, is_favorite=True)
    async with database.session() as db:
        db.add(Asset(**row))
        await db.commit()
        seen = {}
        for viewer in (owner_id, uuid.uuid4()):
            items = await asset_items(
                db,
                [row["id"]],
                viewer_id=viewer,
                mime_types=MIME_TYPES_JSON,
                unknown_mime_type=UNKNOWN_MIME_TYPE,
                with_exif=False,
            )
            seen[viewer == owner_id] = json_of(items[row["id"]])["isFavorite"]
    assert seen == {True: True, False: False}


async def test_people_once_each_by_name(client: httpx.AsyncClient, database: Database) -> None:
    owner_id = uuid.UUID((await sign_up_admin(client)).user_id)
    row = asset_row(owner_id)
    people = [
        Person(owner_id=owner_id, name="Zoë", color="#ff0000", birth_date=date(1990, 2, 3)),
        Person(owner_id=owner_id, name="Adam", is_hidden=True, is_favorite=True),
        Person(owner_id=owner_id, name="Removed"),
        Person(owner_id=owner_id, name="Invisible"),
    ]
    async with database.session() as db:
        db.add(Asset(**row))
        db.add_all(people)
        await db.flush()
        zoe, adam, removed, invisible = people
        db.add_all(
            [
                AssetFace(asset_id=row["id"], person_id=zoe.id),
                AssetFace(asset_id=row["id"], person_id=zoe.id),
                AssetFace(asset_id=row["id"], person_id=adam.id),
                AssetFace(asset_id=row["id"], person_id=removed.id, deleted_at=TAKEN),
                AssetFace(asset_id=row["id"], person_id=invisible.id, is_visible=False),
                AssetFace(asset_id=row["id"], person_id=None),
            ]
        )
        await db.commit()
    async with database.session() as db:
        found = (await db.execute(select(Person).where(Person.id.in_([adam.id, zoe.id])))).scalars().all()
        expected = [
            to_person_dto(person).model_dump(mode="json") for person in sorted(found, key=lambda p: p.name)
        ]
        items = await asset_items(
            db,
            [row["id"]],
            viewer_id=owner_id,
            mime_types=MIME_TYPES_JSON,
            unknown_mime_type=UNKNOWN_MIME_TYPE,
            with_exif=True,
            with_people=True,
        )
        without = await asset_items(
            db,
            [row["id"]],
            viewer_id=owner_id,
            mime_types=MIME_TYPES_JSON,
            unknown_mime_type=UNKNOWN_MIME_TYPE,
            with_exif=True,
        )
    assert json_of(items[row["id"]])["people"] == expected
    assert "color" not in expected[0] and expected[1]["color"] == "#ff0000"
    assert json_of(without[row["id"]])["people"] == []


async def test_missing_ids_are_left_out(client: httpx.AsyncClient, database: Database) -> None:
    owner_id = uuid.UUID((await sign_up_admin(client)).user_id)
    row = asset_row(owner_id)
    async with database.session() as db:
        db.add(Asset(**row))
        await db.commit()
        items = await asset_items(
            db,
            [uuid.uuid4(), row["id"]],
            viewer_id=owner_id,
            mime_types=MIME_TYPES_JSON,
            unknown_mime_type=UNKNOWN_MIME_TYPE,
            with_exif=True,
        )
    assert list(items) == [row["id"]]
