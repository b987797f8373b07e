"""Folders (the ``Views`` tag): where the caller's originals are, and what each folder holds.

Immich lists the folders of absolute original paths; Albumen's ``original_path`` is a storage key
relative to the media root (``upload/<user>/ab/cd/<id>.jpg``), or an external library's own path,
and folders are the directory part of that, consistently for both endpoints.
"""

from __future__ import annotations

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.search import SearchRepository
from albumen.services.asset_items import asset_items
from albumen.services.authentication import AuthContext


async def unique_paths(db: AsyncSession, auth: AuthContext) -> list[str]:
    return await SearchRepository(db).folders(auth.user_id)


async def assets_in_folder(db: AsyncSession, auth: AuthContext, path: str) -> bytes:
    """``AssetResponseDto[]`` (with EXIF) as JSON, by file name."""
    ids = await SearchRepository(db).in_folder(auth.user_id, path.rstrip("/"))
    return orjson.dumps(await asset_items(db, auth, ids, with_exif=True))
