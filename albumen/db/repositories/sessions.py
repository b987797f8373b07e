"""Queries on ``session``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import Session, User


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_token_with_user(self, token_hash: str) -> tuple[Session, User] | None:
        query = (
            select(Session, User)
            .join(User, User.id == Session.user_id)
            .where(Session.token == token_hash, User.deleted_at.is_(None))
        )
        row = (await self.session.execute(query)).one_or_none()
        return None if row is None else (row[0], row[1])

    async def get(self, session_id: uuid.UUID) -> Session | None:
        return await self.session.get(Session, session_id)

    async def list_for_user(self, user_id: uuid.UUID) -> Sequence[Session]:
        query = select(Session).where(Session.user_id == user_id).order_by(Session.updated_at.desc())
        return (await self.session.execute(query)).scalars().all()

    async def list_active_for_user(self, user_id: uuid.UUID, now: datetime) -> Sequence[Session]:
        query = (
            select(Session)
            .where(
                Session.user_id == user_id,
                or_(Session.expires_at.is_(None), Session.expires_at > now),
            )
            .order_by(Session.updated_at.desc(), Session.created_at.desc())
        )
        return (await self.session.execute(query)).scalars().all()

    async def get_for_user(self, user_id: uuid.UUID, session_id: uuid.UUID) -> Session | None:
        query = select(Session).where(Session.id == session_id, Session.user_id == user_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def lock_all_for_user(self, user_id: uuid.UUID) -> None:
        await self.session.execute(
            update(Session)
            .where(Session.user_id == user_id, Session.pin_expires_at.is_not(None))
            .values(pin_expires_at=None)
        )

    async def create(self, **values: Any) -> Session:
        row = Session(**values)
        self.session.add(row)
        await self.session.flush()
        await self.session.refresh(row)
        return row

    async def update(self, session_id: uuid.UUID, **values: Any) -> Session:
        await self.session.execute(update(Session).where(Session.id == session_id).values(**values))
        row = await self.session.get(Session, session_id, populate_existing=True)
        assert row is not None
        return row

    async def delete(self, session_id: uuid.UUID) -> None:
        await self.session.execute(delete(Session).where(Session.id == session_id))

    async def delete_for_user(
        self, user_id: uuid.UUID, *, except_id: uuid.UUID | None = None
    ) -> list[uuid.UUID]:
        statement = delete(Session).where(Session.user_id == user_id)
        if except_id is not None:
            statement = statement.where(Session.id != except_id)
        result = await self.session.execute(statement.returning(Session.id))
        return list(result.scalars().all())

    async def delete_expired(self, now: datetime) -> int:
        result = await self.session.execute(
            delete(Session)
            .where(Session.expires_at.is_not(None), Session.expires_at < now)
            .returning(Session.id)
        )
        return len(result.scalars().all())
