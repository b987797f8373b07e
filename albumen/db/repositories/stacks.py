"""Queries on ``stack`` and the ``asset.stack_id`` links that put assets in one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.assets import any_of
from albumen.db.tables import Asset, Stack


@dataclass(frozen=True)
class StackSummary:
    id: uuid.UUID
    primary_asset_id: uuid.UUID
    asset_count: int


def _live_members() -> list[ColumnElement[bool]]:
    """Members a stack shows: not trashed, on the timeline or archived (as Immich's default visibility)."""
    return [Asset.deleted_at.is_(None), Asset.visibility.in_(("timeline", "archive"))]


class StackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, stack_id: uuid.UUID) -> Stack | None:
        return await self.session.get(Stack, stack_id, populate_existing=True)

    async def search(self, owner_id: uuid.UUID, primary_asset_id: uuid.UUID | None = None) -> Sequence[Stack]:
        query = select(Stack).where(Stack.owner_id == owner_id)
        if primary_asset_id is not None:
            query = query.where(Stack.primary_asset_id == primary_asset_id)
        return (await self.session.execute(query.order_by(Stack.created_at, Stack.id))).scalars().all()

    async def owned(self, owner_id: uuid.UUID, stack_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not stack_ids:
            return set()
        query = select(Stack.id).where(Stack.id.in_(stack_ids), Stack.owner_id == owner_id)
        return set((await self.session.execute(query)).scalars())

    async def member_ids(self, stack_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        """Visible members of each stack, oldest first (then in the order they were added to the library)."""
        if not stack_ids:
            return {}
        query = (
            select(Asset.stack_id, Asset.id)
            .where(Asset.stack_id.in_(stack_ids), *_live_members())
            .order_by(Asset.file_created_at, Asset.created_at, Asset.id)
        )
        members: dict[uuid.UUID, list[uuid.UUID]] = {stack_id: [] for stack_id in stack_ids}
        for stack_id, asset_id in await self.session.execute(query):
            if stack_id is not None:
                members[stack_id].append(asset_id)
        return members

    async def summaries(self, stack_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, StackSummary]:
        """``AssetResponseDto.stack`` for each stack: its primary asset and how many assets it shows."""
        if not stack_ids:
            return {}
        counts = (
            select(Asset.stack_id, func.count().label("asset_count"))
            .where(Asset.stack_id.in_(stack_ids), *_live_members())
            .group_by(Asset.stack_id)
            .subquery()
        )
        query = (
            select(Stack.id, Stack.primary_asset_id, func.coalesce(counts.c.asset_count, 0))
            .outerjoin(counts, counts.c.stack_id == Stack.id)
            .where(Stack.id.in_(stack_ids))
        )
        return {
            stack_id: StackSummary(stack_id, primary, int(count))
            for stack_id, primary, count in await self.session.execute(query)
        }

    async def stacks_headed_by(self, owner_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Stacks of ``owner_id`` whose primary asset is one of ``asset_ids`` (merged into a new stack)."""
        query = select(Stack.id).where(Stack.owner_id == owner_id, any_of(Stack.primary_asset_id, asset_ids))
        return list((await self.session.execute(query)).scalars())

    async def create(self, owner_id: uuid.UUID, primary_asset_id: uuid.UUID) -> Stack:
        stack = Stack(owner_id=owner_id, primary_asset_id=primary_asset_id)
        self.session.add(stack)
        await self.session.flush()
        await self.session.refresh(stack)
        return stack

    async def move_members(self, from_stack_ids: Sequence[uuid.UUID], to_stack_id: uuid.UUID) -> None:
        if from_stack_ids:
            await self.session.execute(
                update(Asset).where(Asset.stack_id.in_(from_stack_ids)).values(stack_id=to_stack_id)
            )

    async def set_stack(self, asset_ids: Sequence[uuid.UUID], stack_id: uuid.UUID | None) -> None:
        if asset_ids:
            await self.session.execute(
                update(Asset)
                .where(any_of(Asset.id, asset_ids))
                .values(stack_id=stack_id, updated_at=func.now())
            )

    async def set_primary(self, stack_id: uuid.UUID, primary_asset_id: uuid.UUID) -> None:
        await self.session.execute(
            update(Stack)
            .where(Stack.id == stack_id)
            .values(primary_asset_id=primary_asset_id, updated_at=func.now())
        )

    async def delete(self, stack_ids: Sequence[uuid.UUID]) -> None:
        """Remove stacks; their assets' ``stack_id`` is cleared by the foreign key (``SET NULL``)."""
        if stack_ids:
            await self.session.execute(delete(Stack).where(Stack.id.in_(stack_ids)))

    async def stack_of(self, asset_id: uuid.UUID) -> uuid.UUID | None:
        return (await self.session.execute(select(Asset.stack_id).where(Asset.id == asset_id))).scalar()
