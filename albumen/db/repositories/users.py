"""Queries on ``user`` and ``user_metadata``, plus the per-user asset counts admins look at."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, cast, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import Asset, User, UserMetadata

#: What Immich counts when no visibility is asked for (``withDefaultVisibility``).
DEFAULT_VISIBILITIES = ("timeline", "archive")


@dataclass(frozen=True)
class AssetCounts:
    images: int
    videos: int
    total: int


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

    async def clear_oauth_ids(self) -> None:
        await self.session.execute(update(User).where(User.oauth_id != "").values(oauth_id=""))

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

    async def get_metadata_for_users(self, user_ids: Sequence[uuid.UUID], key: str) -> dict[uuid.UUID, Any]:
        if not user_ids:
            return {}
        query = select(UserMetadata.user_id, UserMetadata.value).where(
            UserMetadata.user_id.in_(user_ids), UserMetadata.key == key
        )
        return {row.user_id: row.value for row in await self.session.execute(query)}

    async def list_ready_for_purge(self, deleted_before: datetime) -> Sequence[User]:
        """Deleted users whose delay has passed, and force-deleted ones (status ``removing``) at once."""
        query = select(User).where(
            User.deleted_at.is_not(None),
            or_(User.deleted_at <= deleted_before, User.status == "removing"),
        )
        return (await self.session.execute(query.order_by(User.deleted_at))).scalars().all()

    async def asset_counts(
        self,
        owner_id: uuid.UUID,
        *,
        is_favorite: bool | None = None,
        is_trashed: bool | None = None,
        visibility: str | None = None,
    ) -> AssetCounts:
        images = func.count().filter(Asset.type == "IMAGE")
        videos = func.count().filter(Asset.type == "VIDEO")
        query = select(images, videos, func.count()).where(Asset.owner_id == owner_id)
        if visibility is None:
            query = query.where(Asset.visibility.in_(DEFAULT_VISIBILITIES))
        else:
            query = query.where(Asset.visibility == visibility)
        if is_favorite is not None:
            query = query.where(Asset.is_favorite.is_(is_favorite))
        if is_trashed:
            query = query.where(Asset.deleted_at.is_not(None), Asset.status != "deleted")
        else:
            query = query.where(Asset.deleted_at.is_(None))
        image_count, video_count, total = (await self.session.execute(query)).one()
        return AssetCounts(images=image_count, videos=video_count, total=total)

    async def daily_asset_counts(
        self, owner_id: uuid.UUID, *, taken: bool, start: datetime, end: datetime
    ) -> dict[date, int]:
        """Assets per UTC day in ``[start, end)``, by upload time or (``taken``) by local capture time."""
        column = Asset.local_date_time if taken else Asset.created_at
        day = cast(func.timezone("UTC", column), Date)
        query = (
            select(day, func.count())
            .where(
                Asset.owner_id == owner_id,
                column >= start,
                column < end,
                Asset.deleted_at.is_(None),
                Asset.visibility.in_(DEFAULT_VISIBILITIES),
            )
            .group_by(day)
        )
        return {row[0]: row[1] for row in await self.session.execute(query)}
