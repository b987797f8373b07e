"""Queries on ``user`` and ``user_metadata``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import User, UserMetadata


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID, *, with_deleted: bool = False) -> User | None:
        query = select(User).where(User.id == user_id)
        if not with_deleted:
            query = query.where(User.deleted_at.is_(None))
        return (await self.session.execute(query)).scalar_one_or_none()

    async def get_by_email(self, email: str, *, with_deleted: bool = False) -> User | None:
        query = select(User).where(func.lower(User.email) == email.lower())
        if not with_deleted:
            query = query.where(User.deleted_at.is_(None))
        return (await self.session.execute(query)).scalar_one_or_none()

    async def get_by_storage_label(self, label: str) -> User | None:
        query = select(User).where(User.storage_label == label)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def get_admin(self) -> User | None:
        query = (
            select(User).where(User.is_admin.is_(True), User.deleted_at.is_(None)).order_by(User.created_at)
        )
        return (await self.session.execute(query.limit(1))).scalar_one_or_none()

    async def has_admin(self) -> bool:
        query = select(func.count()).select_from(User).where(User.is_admin.is_(True))
        return bool((await self.session.execute(query)).scalar_one())

    async def list(self, *, with_deleted: bool = False, user_id: uuid.UUID | None = None) -> Sequence[User]:
        query = select(User).order_by(User.created_at)
        if not with_deleted:
            query = query.where(User.deleted_at.is_(None))
        if user_id is not None:
            query = query.where(User.id == user_id)
        return (await self.session.execute(query)).scalars().all()

    async def create(self, **values: Any) -> User:
        user = User(**values)
        self.session.add(user)
        await self.session.flush()
        await self.session.refresh(user)
        return user

    async def update(self, user_id: uuid.UUID, **values: Any) -> User:
        await self.session.execute(update(User).where(User.id == user_id).values(**values))
        user = await self.get(user_id, with_deleted=True)
        assert user is not None
        await self.session.refresh(user)
        return user

    async def delete(self, user_id: uuid.UUID) -> None:
        await self.session.execute(delete(User).where(User.id == user_id))

    async def get_metadata(self, user_id: uuid.UUID, key: str) -> dict[str, Any] | None:
        query = select(UserMetadata.value).where(UserMetadata.user_id == user_id, UserMetadata.key == key)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def set_metadata(self, user_id: uuid.UUID, key: str, value: dict[str, Any]) -> None:
        statement = insert(UserMetadata).values(user_id=user_id, key=key, value=value)
        statement = statement.on_conflict_do_update(
            index_elements=[UserMetadata.user_id, UserMetadata.key], set_={"value": value}
        )
        await self.session.execute(statement)

    async def delete_metadata(self, user_id: uuid.UUID, key: str) -> None:
        await self.session.execute(
            delete(UserMetadata).where(UserMetadata.user_id == user_id, UserMetadata.key == key)
        )
