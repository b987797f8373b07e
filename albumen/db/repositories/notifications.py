"""Queries on ``notification``: a user's in-app notifications."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.assets import any_of
from albumen.db.tables import Notification


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, **values: Any) -> Notification:
        return (
            await self.session.execute(insert(Notification).values(**values).returning(Notification))
        ).scalar_one()

    async def create_many(self, rows: Sequence[dict[str, Any]]) -> Sequence[Notification]:
        if not rows:
            return []
        result = await self.session.execute(insert(Notification).returning(Notification), list(rows))
        return result.scalars().all()

    async def search(
        self,
        user_id: uuid.UUID,
        *,
        notification_id: uuid.UUID | None = None,
        level: str | None = None,
        type_: str | None = None,
        unread: bool | None = None,
    ) -> Sequence[Notification]:
        query = select(Notification).where(Notification.user_id == user_id, Notification.deleted_at.is_(None))
        if notification_id is not None:
            query = query.where(Notification.id == notification_id)
        if level is not None:
            query = query.where(Notification.level == level)
        if type_ is not None:
            query = query.where(Notification.type == type_)
        if unread is not None:
            query = query.where(
                Notification.read_at.is_(None) if unread else Notification.read_at.is_not(None)
            )
        query = query.order_by(Notification.created_at.desc())
        return (await self.session.execute(query)).scalars().all()

    async def owned_ids(self, user_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not ids:
            return set()
        query = select(Notification.id).where(
            any_of(Notification.id, ids), Notification.user_id == user_id, Notification.deleted_at.is_(None)
        )
        return set((await self.session.execute(query)).scalars())

    async def get(self, notification_id: uuid.UUID) -> Notification | None:
        query = select(Notification).where(
            Notification.id == notification_id, Notification.deleted_at.is_(None)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def set_read_at(self, ids: Sequence[uuid.UUID], read_at: datetime | None) -> Sequence[Notification]:
        statement = (
            update(Notification)
            .where(any_of(Notification.id, ids))
            .values(read_at=read_at)
            .returning(Notification)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(statement)).scalars().all()

    async def soft_delete(self, ids: Sequence[uuid.UUID]) -> None:
        await self.session.execute(
            update(Notification)
            .where(any_of(Notification.id, ids))
            .values(deleted_at=func.now())
            .execution_options(synchronize_session=False)
        )

    async def cleanup(self, read_before: datetime, deleted_before: datetime) -> None:
        """Drop notifications read or deleted long ago (Immich's ``NotificationsCleanup``)."""
        await self.session.execute(
            delete(Notification).where(
                (Notification.read_at < read_before) | (Notification.deleted_at < deleted_before)
            )
        )
