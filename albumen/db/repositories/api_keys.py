"""Queries on ``api_key``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import ApiKey, User


class ApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_key_with_user(self, key_hash: str) -> tuple[ApiKey, User] | None:
        query = (
            select(ApiKey, User)
            .join(User, User.id == ApiKey.user_id)
            .where(ApiKey.key == key_hash, User.deleted_at.is_(None))
        )
        row = (await self.session.execute(query)).one_or_none()
        return None if row is None else (row[0], row[1])

    async def get_for_user(self, user_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey | None:
        query = select(ApiKey).where(ApiKey.id == key_id, ApiKey.user_id == user_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def list_for_user(self, user_id: uuid.UUID) -> Sequence[ApiKey]:
        query = select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.created_at.desc())
        return (await self.session.execute(query)).scalars().all()

    async def create(self, **values: Any) -> ApiKey:
        row = ApiKey(**values)
        self.session.add(row)
        await self.session.flush()
        await self.session.refresh(row)
        return row

    async def update(self, key_id: uuid.UUID, **values: Any) -> ApiKey:
        await self.session.execute(update(ApiKey).where(ApiKey.id == key_id).values(**values))
        row = await self.session.get(ApiKey, key_id, populate_existing=True)
        assert row is not None
        return row

    async def delete(self, key_id: uuid.UUID) -> None:
        await self.session.execute(delete(ApiKey).where(ApiKey.id == key_id))
