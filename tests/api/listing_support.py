"""Rows the listing tests (timeline, search, map, folders) stand on, written straight to the database.

Partners, people and OCR have no API yet, and listings only read rows: inserting them directly keeps
these tests about what each listing shows, not about uploads.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from albumen.db.engine import Database
from albumen.db.tables import (
    AlbumAsset,
    Asset,
    AssetExif,
    AssetFace,
    AssetOcr,
    Partner,
    Person,
    Stack,
    Tag,
    TagAsset,
    TagClosure,
)
from tests.helpers import LoggedIn

TAKEN = datetime(2024, 7, 14, 18, 30, tzinfo=UTC)
_counter = 0


async def insert_asset(
    database: Database,
    owner: LoggedIn,
    *,
    taken: datetime = TAKEN,
    offset_hours: float = 0,
    name: str | None = None,
    path: str | None = None,
    exif: dict[str, Any] | None = None,
    **values: Any,
) -> str:
    """One asset row, and its EXIF row when ``exif`` is given (``{}`` makes a bare one)."""
    global _counter
    _counter += 1
    asset_id = uuid.uuid4()
    extension = ".mp4" if values.get("type") == "VIDEO" else ".jpg"
    row: dict[str, Any] = {
        "id": asset_id,
        "owner_id": uuid.UUID(owner.user_id),
        "type": "IMAGE",
        "original_path": path or f"upload/{owner.user_id}/{str(asset_id)[:2]}/{asset_id}{extension}",
        "original_file_name": name or f"IMG_{_counter:05}{extension}",
        "checksum": hashlib.sha1(asset_id.bytes).digest(),
        "file_created_at": taken,
        "file_modified_at": taken,
        "local_date_time": taken + timedelta(hours=offset_hours),
        "width": 4000,
        "height": 3000,
        **values,
    }
    async with database.session() as db:
        db.add(Asset(**row))
        await db.flush()
        if exif is not None:
            db.add(AssetExif(asset_id=asset_id, **exif))
        await db.commit()
    return str(asset_id)


async def update_asset(database: Database, asset_id: str, **values: Any) -> None:
    async with database.session() as db:
        await db.execute(update(Asset).where(Asset.id == uuid.UUID(asset_id)).values(**values))
        await db.commit()


async def share_library(database: Database, owner: LoggedIn, partner: LoggedIn, *, in_timeline: bool) -> None:
    """``owner`` shares their library with ``partner`` (the partners API comes later)."""
    async with database.session() as db:
        db.add(
            Partner(
                shared_by_id=uuid.UUID(owner.user_id),
                shared_with_id=uuid.UUID(partner.user_id),
                in_timeline=in_timeline,
            )
        )
        await db.commit()


async def stack(database: Database, owner: LoggedIn, asset_ids: list[str]) -> str:
    """A stack of ``asset_ids``, the first as its primary."""
    stack_id = uuid.uuid4()
    async with database.session() as db:
        db.add(
            Stack(id=stack_id, owner_id=uuid.UUID(owner.user_id), primary_asset_id=uuid.UUID(asset_ids[0]))
        )
        await db.flush()
        await db.execute(
            update(Asset)
            .where(Asset.id.in_([uuid.UUID(item) for item in asset_ids]))
            .values(stack_id=stack_id)
        )
        await db.commit()
    return str(stack_id)


async def person_in(
    database: Database, owner: LoggedIn, name: str, asset_ids: list[str], *, hidden: bool = False
) -> str:
    person_id = uuid.uuid4()
    async with database.session() as db:
        db.add(Person(id=person_id, owner_id=uuid.UUID(owner.user_id), name=name, is_hidden=hidden))
        await db.flush()
        for asset_id in asset_ids:
            db.add(AssetFace(asset_id=uuid.UUID(asset_id), person_id=person_id))
        await db.commit()
    return str(person_id)


async def tag(database: Database, owner: LoggedIn, value: str, asset_ids: list[str]) -> str:
    tag_id = uuid.uuid4()
    async with database.session() as db:
        db.add(Tag(id=tag_id, user_id=uuid.UUID(owner.user_id), value=value))
        await db.flush()
        db.add(TagClosure(id_ancestor=tag_id, id_descendant=tag_id))
        for asset_id in asset_ids:
            db.add(TagAsset(tag_id=tag_id, asset_id=uuid.UUID(asset_id)))
        await db.commit()
    return str(tag_id)


async def ocr_text(database: Database, asset_id: str, text: str) -> None:
    box = {name: 0.0 for name in ("x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4")}
    async with database.session() as db:
        db.add(AssetOcr(asset_id=uuid.UUID(asset_id), text=text, box_score=0.9, text_score=0.9, **box))
        await db.commit()


async def album_with(client: httpx.AsyncClient, owner: LoggedIn, asset_ids: list[str], **body: Any) -> str:
    response = await client.post(
        "/api/albums", json={"albumName": "Album", "assetIds": asset_ids, **body}, headers=owner.headers
    )
    assert response.status_code == 201, response.text
    album_id: str = response.json()["id"]
    return album_id


async def add_to_album(database: Database, album_id: str, asset_ids: list[str]) -> None:
    async with database.session() as db:
        for asset_id in asset_ids:
            db.add(AlbumAsset(album_id=uuid.UUID(album_id), asset_id=uuid.UUID(asset_id)))
        await db.commit()


async def unlock_session(client: httpx.AsyncClient, user: LoggedIn, pin: str = "123456") -> None:
    setup = await client.post("/api/auth/pin-code", json={"pinCode": pin}, headers=user.headers)
    assert setup.status_code in (200, 201, 204), setup.text
    unlock = await client.post("/api/auth/session/unlock", json={"pinCode": pin}, headers=user.headers)
    assert unlock.status_code in (200, 201, 204), unlock.text
