"""Queries on ``asset_file``: derived files of an asset (thumbnail, preview, fullsize, video, sidecar)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.assets import any_of
from albumen.db.tables import Asset, AssetFile


class AssetFileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, file_id: uuid.UUID) -> AssetFile | None:
        return await self.session.get(AssetFile, file_id)

    async def of_asset(self, asset_id: uuid.UUID) -> Sequence[AssetFile]:
        query = (
            select(AssetFile)
            .where(AssetFile.asset_id == asset_id)
            .order_by(AssetFile.type, AssetFile.is_edited)
        )
        return (await self.session.execute(query)).scalars().all()

    async def search(
        self,
        asset_id: uuid.UUID,
        *,
        file_type: str | None = None,
        is_edited: bool | None = None,
        is_progressive: bool | None = None,
        is_transparent: bool | None = None,
    ) -> Sequence[AssetFile]:
        query = select(AssetFile).where(AssetFile.asset_id == asset_id)
        if file_type is not None:
            query = query.where(AssetFile.type == file_type)
        for column, wanted in (
            (AssetFile.is_edited, is_edited),
            (AssetFile.is_progressive, is_progressive),
            (AssetFile.is_transparent, is_transparent),
        ):
            if wanted is not None:
                query = query.where(column.is_(wanted))
        query = query.order_by(AssetFile.type, AssetFile.is_edited)
        return (await self.session.execute(query)).scalars().all()

    async def paths_of_assets(self, asset_ids: Sequence[uuid.UUID]) -> Sequence[str]:
        if not asset_ids:
            return []
        query = select(AssetFile.path).where(any_of(AssetFile.asset_id, asset_ids))
        return (await self.session.execute(query)).scalars().all()

    async def owned_files(
        self, user_id: uuid.UUID, file_ids: Sequence[uuid.UUID], *, include_locked: bool
    ) -> set[uuid.UUID]:
        """Files of assets ``user_id`` owns (locked assets only with an unlocked session)."""
        if not file_ids:
            return set()
        query = (
            select(AssetFile.id)
            .join(Asset, Asset.id == AssetFile.asset_id)
            .where(AssetFile.id.in_(file_ids), Asset.owner_id == user_id)
        )
        if not include_locked:
            query = query.where(Asset.visibility != "locked")
        return set((await self.session.execute(query)).scalars())

    async def asset_of_files(self, file_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        if not file_ids:
            return {}
        query = select(AssetFile.id, AssetFile.asset_id).where(AssetFile.id.in_(file_ids))
        return {row.id: row.asset_id for row in await self.session.execute(query)}

    async def delete(self, file_id: uuid.UUID) -> None:
        await self.session.execute(delete(AssetFile).where(AssetFile.id == file_id))
