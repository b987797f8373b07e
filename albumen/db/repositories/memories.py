"""Queries on ``memory`` and ``memory_asset``, and the "on this day" asset lookup that feeds them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.assets import any_of
from albumen.db.tables import Asset, AssetExif, Memory, MemoryAsset

TIMELINE = "timeline"
#: Immich shows at most this many photos of one day and year in an "on this day" memory.
ASSETS_PER_DAY = 20


@dataclass(frozen=True)
class MemoryFilter:
    owner_id: uuid.UUID
    visible_at: datetime
    for_date: datetime | None = None
    memory_id: uuid.UUID | None = None
    is_saved: bool | None = None
    is_trashed: bool = False
    is_upcoming: bool | None = None
    type: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [Memory.owner_id == self.owner_id]
        found.append(Memory.deleted_at.is_not(None) if self.is_trashed else Memory.deleted_at.is_(None))
        if self.memory_id is not None:
            found.append(Memory.id == self.memory_id)
        if self.is_saved is not None:
            found.append(Memory.is_saved.is_(self.is_saved))
        if self.type is not None:
            found.append(Memory.type == self.type)
        if self.is_upcoming:
            found.append(Memory.show_at > self.visible_at)
        else:
            found.append(or_(Memory.show_at.is_(None), Memory.show_at <= self.visible_at))
        if self.for_date is not None:
            found.append(or_(Memory.hide_at.is_(None), Memory.hide_at >= self.for_date))
        return found


@dataclass(frozen=True)
class DayOfYearAssets:
    owner_id: uuid.UUID
    day: datetime
    asset_ids: list[uuid.UUID]


class MemoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, **values: Any) -> Memory:
        return (await self.session.execute(insert(Memory).values(**values).returning(Memory))).scalar_one()

    async def get(self, memory_id: uuid.UUID) -> Memory | None:
        query = select(Memory).where(Memory.id == memory_id, Memory.deleted_at.is_(None))
        return (
            await self.session.execute(query.execution_options(populate_existing=True))
        ).scalar_one_or_none()

    async def owned_ids(self, owner_id: uuid.UUID, memory_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        query = select(Memory.id).where(
            any_of(Memory.id, memory_ids), Memory.owner_id == owner_id, Memory.deleted_at.is_(None)
        )
        return set((await self.session.execute(query)).scalars())

    async def search(
        self, where: MemoryFilter, *, order: str = "desc", limit: int | None = None, offset: int = 0
    ) -> Sequence[Memory]:
        query = select(Memory).where(*where.conditions())
        if order == "random":
            query = query.order_by(func.random())
        else:
            query = query.order_by(Memory.memory_at.asc() if order == "asc" else Memory.memory_at.desc())
        if limit is not None:
            query = query.limit(limit).offset(offset)
        return (await self.session.execute(query)).scalars().all()

    async def count(self, where: MemoryFilter) -> int:
        query = select(func.count()).select_from(Memory).where(*where.conditions())
        return int((await self.session.execute(query)).scalar_one())

    async def assets_of(
        self, memory_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[tuple[Asset, AssetExif | None]]]:
        """The memories' visible assets (timeline, not trashed), oldest first, in one query."""
        found: dict[uuid.UUID, list[tuple[Asset, AssetExif | None]]] = defaultdict(list)
        if not memory_ids:
            return found
        query = (
            select(MemoryAsset.memory_id, Asset, AssetExif)
            .join(Asset, Asset.id == MemoryAsset.asset_id)
            .outerjoin(AssetExif, AssetExif.asset_id == Asset.id)
            .where(
                any_of(MemoryAsset.memory_id, memory_ids),
                Asset.visibility == TIMELINE,
                Asset.deleted_at.is_(None),
            )
            .order_by(Asset.local_date_time.asc())
        )
        for memory_id, asset, exif in await self.session.execute(query):
            found[memory_id].append((asset, exif))
        return found

    async def update(self, memory_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(
            update(Memory)
            .where(Memory.id == memory_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def delete(self, memory_id: uuid.UUID) -> None:
        await self.session.execute(delete(Memory).where(Memory.id == memory_id))

    async def asset_ids_in(self, memory_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not asset_ids:
            return set()
        query = select(MemoryAsset.asset_id).where(
            MemoryAsset.memory_id == memory_id, any_of(MemoryAsset.asset_id, asset_ids)
        )
        return set((await self.session.execute(query)).scalars())

    async def add_assets(self, memory_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]) -> None:
        if not asset_ids:
            return
        statement = pg_insert(MemoryAsset).values(
            [{"memory_id": memory_id, "asset_id": asset_id} for asset_id in asset_ids]
        )
        await self.session.execute(statement.on_conflict_do_nothing())

    async def remove_assets(self, memory_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]) -> None:
        if not asset_ids:
            return
        await self.session.execute(
            delete(MemoryAsset).where(
                MemoryAsset.memory_id == memory_id, any_of(MemoryAsset.asset_id, asset_ids)
            )
        )

    async def cleanup(self, created_before: datetime) -> None:
        """Unlink assets that left the timeline; drop unsaved memories shown before ``created_before``."""
        await self.session.execute(
            delete(MemoryAsset)
            .where(MemoryAsset.asset_id == Asset.id, Asset.visibility != TIMELINE)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            delete(Memory).where(
                func.coalesce(Memory.show_at, Memory.created_at) < created_before, Memory.is_saved.is_(False)
            )
        )

    async def earliest_local_date(self, owner_ids: Sequence[uuid.UUID]) -> datetime | None:
        """The oldest ``local_date_time`` among the owners' assets (one index probe per owner)."""
        if not owner_ids:
            return None
        statement = text(
            """
            SELECT min(first.local_date_time)
            FROM unnest(:owner_ids) AS owner(id)
            CROSS JOIN LATERAL (
                SELECT asset.local_date_time FROM asset
                WHERE asset.owner_id = owner.id
                ORDER BY asset.local_date_time ASC
                LIMIT 1
            ) AS first
            """
        ).bindparams(bindparam("owner_ids", value=list(owner_ids), type_=ARRAY(UUID(as_uuid=True))))
        value: datetime | None = (await self.session.execute(statement)).scalar_one_or_none()
        return value

    async def assets_on_days(
        self, owner_ids: Sequence[uuid.UUID], days: Sequence[datetime]
    ) -> list[DayOfYearAssets]:
        """Per owner and day (``days`` are UTC midnights of wall-clock dates), the first
        :data:`ASSETS_PER_DAY` timeline assets taken that day that have a preview."""
        if not owner_ids or not days:
            return []
        statement = text(
            """
            SELECT owner.id AS owner_id, day.start AS day,
                   array_agg(picked.id ORDER BY picked.local_date_time)
            FROM unnest(:owner_ids) AS owner(id)
            CROSS JOIN unnest(:days) AS day(start)
            CROSS JOIN LATERAL (
                SELECT asset.id, asset.local_date_time FROM asset
                WHERE asset.owner_id = owner.id
                  AND asset.local_date_time >= day.start
                  AND asset.local_date_time < day.start + interval '1 day'
                  AND asset.visibility = 'timeline'
                  AND asset.deleted_at IS NULL
                  AND EXISTS (
                      SELECT 1 FROM asset_file
                      WHERE asset_file.asset_id = asset.id AND asset_file.type = 'preview'
                  )
                ORDER BY asset.local_date_time ASC
                LIMIT :per_day
            ) AS picked
            GROUP BY owner.id, day.start
            ORDER BY owner.id, day.start DESC
            """
        ).bindparams(
            bindparam("owner_ids", value=list(owner_ids), type_=ARRAY(UUID(as_uuid=True))),
            bindparam("days", value=list(days), type_=ARRAY(DateTime(timezone=True))),
            bindparam("per_day", value=ASSETS_PER_DAY),
        )
        return [
            DayOfYearAssets(owner_id=owner_id, day=day, asset_ids=list(asset_ids))
            for owner_id, day, asset_ids in await self.session.execute(statement)
        ]

    async def create_generated(self, rows: Sequence[tuple[dict[str, Any], Sequence[uuid.UUID]]]) -> None:
        """Insert memories with their assets (two statements for the lot)."""
        if not rows:
            return
        created = await self.session.execute(
            insert(Memory).returning(Memory.id, sort_by_parameter_order=True), [values for values, _ in rows]
        )
        links = [
            {"memory_id": memory_id, "asset_id": asset_id}
            for memory_id, (_, asset_ids) in zip(created.scalars().all(), rows, strict=True)
            for asset_id in asset_ids
        ]
        if links:
            await self.session.execute(pg_insert(MemoryAsset).on_conflict_do_nothing(), links)
