"""Activity rows: the likes and comments of album members."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import Activity, Album, AlbumUser, Asset, User

#: ``asset_id`` filter meaning "about the album itself" (no asset).
ALBUM_LEVEL: Any = object()


class ActivityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def search(
        self,
        album_id: uuid.UUID,
        *,
        asset_id: uuid.UUID | Any | None = None,
        user_id: uuid.UUID | None = None,
        is_liked: bool | None = None,
    ) -> Sequence[tuple[Activity, User]]:
        """Oldest first; ``asset_id`` None: any, ``ALBUM_LEVEL``: only the album's own activity.

        Activity about a trashed asset and that of deleted users is left out, as Immich does.
        """
        query = (
            select(Activity, User)
            .join(User, and_(User.id == Activity.user_id, User.deleted_at.is_(None)))
            .outerjoin(Asset, Asset.id == Activity.asset_id)
            .where(Activity.album_id == album_id, Asset.deleted_at.is_(None))
            .order_by(Activity.created_at, Activity.id)
        )
        if asset_id is ALBUM_LEVEL:
            query = query.where(Activity.asset_id.is_(None))
        elif asset_id is not None:
            query = query.where(Activity.asset_id == asset_id)
        if user_id is not None:
            query = query.where(Activity.user_id == user_id)
        if is_liked is not None:
            query = query.where(Activity.is_liked.is_(is_liked))
        return [(activity, user) for activity, user in await self.session.execute(query)]

    async def create_like(
        self, album_id: uuid.UUID, asset_id: uuid.UUID | None, user_id: uuid.UUID
    ) -> Activity | None:
        """The new like, or None when the user already likes it (the unique index decides races)."""
        query = (
            insert(Activity)
            .values(album_id=album_id, asset_id=asset_id, user_id=user_id, is_liked=True)
            .on_conflict_do_nothing()
            .returning(Activity)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def create_comment(
        self, album_id: uuid.UUID, asset_id: uuid.UUID | None, user_id: uuid.UUID, comment: str
    ) -> Activity:
        activity = Activity(
            album_id=album_id, asset_id=asset_id, user_id=user_id, comment=comment, is_liked=False
        )
        self.session.add(activity)
        await self.session.flush()
        await self.session.refresh(activity)
        return activity

    async def get(self, activity_id: uuid.UUID) -> Activity | None:
        return await self.session.get(Activity, activity_id)

    async def delete(self, activity_id: uuid.UUID) -> None:
        await self.session.execute(delete(Activity).where(Activity.id == activity_id))

    async def statistics(self, album_id: uuid.UUID, asset_id: uuid.UUID | None) -> tuple[int, int]:
        """(comments, likes) of live users on the album, or one of its assets (not trashed or locked)."""
        query = (
            select(
                func.count().filter(Activity.is_liked.is_(False)),
                func.count().filter(Activity.is_liked.is_(True)),
            )
            .join(User, and_(User.id == Activity.user_id, User.deleted_at.is_(None)))
            .outerjoin(Asset, Asset.id == Activity.asset_id)
            .where(
                Activity.album_id == album_id,
                or_(Asset.id.is_(None), and_(Asset.deleted_at.is_(None), Asset.visibility != "locked")),
            )
        )
        if asset_id is not None:
            query = query.where(Activity.asset_id == asset_id)
        comments, likes = (await self.session.execute(query)).one()
        return int(comments), int(likes)

    async def commentable_albums(self, user_id: uuid.UUID, album_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Albums ``user_id`` owns or is a member of whose activity is enabled (Immich's
        ``activity.create``)."""
        if not album_ids:
            return set()
        member = select(AlbumUser.album_id).where(AlbumUser.user_id == user_id)
        query = select(Album.id).where(
            Album.id.in_(list(album_ids)),
            Album.deleted_at.is_(None),
            Album.is_activity_enabled.is_(True),
            or_(Album.owner_id == user_id, Album.id.in_(member)),
        )
        return set((await self.session.execute(query)).scalars())

    async def owner_and_album_owner(self, activity_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID] | None:
        """(author, album owner) of an activity: either may delete it."""
        query = (
            select(Activity.user_id, Album.owner_id)
            .join(Album, Album.id == Activity.album_id)
            .where(Activity.id == activity_id)
        )
        row = (await self.session.execute(query)).one_or_none()
        return None if row is None else (row[0], row[1])
