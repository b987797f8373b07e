"""Queries on ``asset_metadata`` (key/value entries), ``asset_edit`` (stored edits) and ``asset_ocr``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import AssetEdit, AssetMetadata, AssetOcr


class AssetMetadataRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_asset(self, asset_id: uuid.UUID) -> Sequence[AssetMetadata]:
        query = select(AssetMetadata).where(AssetMetadata.asset_id == asset_id).order_by(AssetMetadata.key)
        return (await self.session.execute(query)).scalars().all()

    async def get(self, asset_id: uuid.UUID, key: str) -> AssetMetadata | None:
        return await self.session.get(AssetMetadata, (asset_id, key))

    async def upsert(self, items: Sequence[tuple[uuid.UUID, str, dict[str, Any]]]) -> Sequence[AssetMetadata]:
        """Insert or replace (asset id, key, value) entries in one statement; returns the stored rows."""
        if not items:
            return []
        values = insert(AssetMetadata).values(
            [{"asset_id": asset_id, "key": key, "value": value} for asset_id, key, value in items]
        )
        statement = values.on_conflict_do_update(
            index_elements=[AssetMetadata.asset_id, AssetMetadata.key],
            set_={"value": values.excluded.value, "updated_at": func.now()},
        ).returning(AssetMetadata)
        rows = (
            (await self.session.execute(statement, execution_options={"populate_existing": True}))
            .scalars()
            .all()
        )
        order = {(asset_id, key): index for index, (asset_id, key, _) in enumerate(items)}
        return sorted(rows, key=lambda row: order[(row.asset_id, row.key)])

    async def delete(self, items: Sequence[tuple[uuid.UUID, str]]) -> None:
        if items:
            await self.session.execute(
                delete(AssetMetadata).where(tuple_(AssetMetadata.asset_id, AssetMetadata.key).in_(items))
            )

    async def edits_of(self, asset_id: uuid.UUID) -> Sequence[AssetEdit]:
        query = select(AssetEdit).where(AssetEdit.asset_id == asset_id).order_by(AssetEdit.sequence)
        return (await self.session.execute(query)).scalars().all()

    async def replace_edits(
        self, asset_id: uuid.UUID, edits: Sequence[tuple[str, dict[str, Any]]]
    ) -> Sequence[AssetEdit]:
        await self.session.execute(delete(AssetEdit).where(AssetEdit.asset_id == asset_id))
        if not edits:
            return []
        statement = (
            insert(AssetEdit)
            .values(
                [
                    {"asset_id": asset_id, "action": action, "parameters": parameters, "sequence": index}
                    for index, (action, parameters) in enumerate(edits)
                ]
            )
            .returning(AssetEdit)
        )
        rows = (await self.session.execute(statement)).scalars().all()
        return sorted(rows, key=lambda edit: edit.sequence)

    async def ocr_of(self, asset_id: uuid.UUID) -> Sequence[AssetOcr]:
        query = select(AssetOcr).where(AssetOcr.asset_id == asset_id, AssetOcr.is_visible.is_(True))
        return (await self.session.execute(query)).scalars().all()
