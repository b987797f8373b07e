"""Steps the asset endpoint tests share: upload small files, give them derived files, read rows back."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import httpx
from sqlalchemy import select

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import Asset, AssetFile, User
from tests.helpers import LoggedIn, upload_asset


async def upload(
    client: httpx.AsyncClient,
    user: LoggedIn,
    name: str = "photo.jpg",
    content: bytes | None = None,
    **fields: str,
) -> str:
    """Upload ``content`` (random bytes by default, so every call is a new asset) as ``name``."""
    body = content if content is not None else os.urandom(2048)
    response = await upload_asset(client, user, Path(name), filename=name, content=body, **fields)
    assert response.status_code == 201, response.text
    asset_id: str = response.json()["id"]
    return asset_id


async def add_file(
    database: Database,
    settings: Settings,
    asset_id: str,
    file_type: str,
    content: bytes,
    extension: str,
    *,
    is_edited: bool = False,
) -> Path:
    """An ``asset_file`` row and its file under the media root, as the thumbnail/transcode jobs leave them."""
    suffix = "_edited" if is_edited else ""
    key = f"thumbs/{asset_id[:2]}/{asset_id}_{file_type}{suffix}{extension}"
    if file_type == "encoded_video":
        key = f"encoded-video/{asset_id[:2]}/{asset_id}{suffix}{extension}"
    path = settings.media_root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    async with database.session() as session:
        session.add(AssetFile(asset_id=uuid.UUID(asset_id), type=file_type, path=key, is_edited=is_edited))
        await session.commit()
    return path


async def asset_row(database: Database, asset_id: str) -> Asset | None:
    async with database.session() as session:
        return await session.get(Asset, uuid.UUID(asset_id))


async def original_path(database: Database, settings: Settings, asset_id: str) -> Path:
    row = await asset_row(database, asset_id)
    assert row is not None
    return settings.media_root / row.original_path


async def quota_usage(database: Database, user: LoggedIn) -> int:
    async with database.session() as session:
        usage = (
            await session.execute(select(User.quota_usage_in_bytes).where(User.id == uuid.UUID(user.user_id)))
        ).scalar_one()
    return int(usage)


async def unlock_pin(client: httpx.AsyncClient, user: LoggedIn, pin: str = "123456") -> None:
    """Set a PIN code and unlock the session with it (the locked folder needs that)."""
    setup = await client.post("/api/auth/pin-code", json={"pinCode": pin}, headers=user.headers)
    assert setup.status_code in (200, 201, 204), setup.text
    unlock = await client.post("/api/auth/session/unlock", json={"pinCode": pin}, headers=user.headers)
    assert unlock.status_code in (200, 204), unlock.text
