"""Queries on ``album``, ``album_user`` and ``album_asset``.

Id lists travel as one PostgreSQL array parameter (``= ANY(:ids)``), never as ``IN (...)`` with one
parameter per id: the CLI adds up to 65,000 assets per call and asyncpg allows 32,767 parameters.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from typing import cast as cast_rows

from sqlalchemy import (
    Date,
    ScalarSelect,
    and_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import Album, AlbumAsset, AlbumUser, Asset, AssetExif, SharedLink, User

OWNER_ROLE = "owner"
#: What Immich counts in an album (its "default visibility"): hidden and locked assets are left out.
LISTED_VISIBILITIES = ("timeline", "archive")


def id_array(name: str, ids: Sequence[uuid.UUID]) -> Any:
    return bindparam(name, value=list(ids), type_=ARRAY(UUID(as_uuid=True)))


#: (asset id, latitude, longitude, city, state, country)
MapMarkerRow = tuple[uuid.UUID, float, float, str | None, str | None, str | None]


@dataclass(frozen=True)
class AlbumSummary:
    """An album row with what its listing shows: counts, dates and the effective thumbnail."""

    album: Album
    asset_count: int
    start_date: date | None
    end_date: date | None
    last_modified_asset_at: datetime | None
    thumbnail_asset_id: uuid.UUID | None
    has_shared_user: bool
    has_shared_link: bool

    @property
    def shared(self) -> bool:
        return self.has_shared_user or self.has_shared_link


@dataclass(frozen=True)
class AlbumFilter:
    album_id: uuid.UUID | None = None
    name: str | None = None
    is_owned: bool | None = None
    is_shared: bool | None = None
    asset_id: uuid.UUID | None = None


def _has_shared_user() -> Any:
    return exists().where(AlbumUser.album_id == Album.id, AlbumUser.user_id != Album.owner_id)


def _has_shared_link() -> Any:
    return exists().where(SharedLink.album_id == Album.id)


def _is_member(user_id: uuid.UUID) -> Any:
    return or_(
        Album.owner_id == user_id,
        exists().where(AlbumUser.album_id == Album.id, AlbumUser.user_id == user_id),
    )


def _latest_asset() -> ScalarSelect[Any]:
    """The album's most recently created live asset: the thumbnail when none (valid) is chosen."""
    return (
        select(AlbumAsset.asset_id)
        .join(Asset, Asset.id == AlbumAsset.asset_id)
        .where(AlbumAsset.album_id == Album.id, Asset.deleted_at.is_(None))
        .order_by(Asset.file_created_at.desc())
        .limit(1)
        .scalar_subquery()
    )


def _thumbnail_is_valid() -> Any:
    return exists().where(
        AlbumAsset.album_id == Album.id,
        AlbumAsset.asset_id == Album.thumbnail_asset_id,
        Asset.id == AlbumAsset.asset_id,
        Asset.deleted_at.is_(None),
    )


class AlbumRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- reading -------------------------------------------------------------------------------

    async def summaries(self, user_id: uuid.UUID, where: AlbumFilter) -> list[AlbumSummary]:
        """The albums ``user_id`` owns or was shared, with counts and dates, in one query."""
        stats = (
            select(
                func.count(Asset.id).label("asset_count"),
                func.min(cast(func.timezone("UTC", Asset.local_date_time), Date)).label("start_date"),
                func.max(cast(func.timezone("UTC", Asset.local_date_time), Date)).label("end_date"),
                func.max(Asset.updated_at).label("last_modified"),
            )
            .select_from(AlbumAsset)
            .join(Asset, Asset.id == AlbumAsset.asset_id)
            .where(
                AlbumAsset.album_id == Album.id,
                Asset.deleted_at.is_(None),
                Asset.visibility.in_(LISTED_VISIBILITIES),
            )
            .lateral("stats")
        )
        thumbnail = case(
            (and_(Album.thumbnail_asset_id.is_not(None), _thumbnail_is_valid()), Album.thumbnail_asset_id),
            else_=_latest_asset(),
        )
        query = (
            select(
                Album,
                stats.c.asset_count,
                stats.c.start_date,
                stats.c.end_date,
                stats.c.last_modified,
                thumbnail.label("thumbnail"),
                _has_shared_user().label("has_shared_user"),
                _has_shared_link().label("has_shared_link"),
            )
            .join(stats, true())
            .where(Album.deleted_at.is_(None), _is_member(user_id))
            .order_by(Album.created_at.desc())
        )
        if where.asset_id is not None:
            # Immich: filtering by asset ignores the other filters.
            query = query.where(
                exists().where(AlbumAsset.album_id == Album.id, AlbumAsset.asset_id == where.asset_id)
            )
        else:
            if where.album_id is not None:
                query = query.where(Album.id == where.album_id)
            if where.name is not None:
                query = query.where(Album.name == where.name)
            if where.is_owned is True:
                query = query.where(Album.owner_id == user_id)
            elif where.is_owned is False:
                query = query.where(Album.owner_id != user_id)
            if where.is_shared is not None:
                shared = or_(_has_shared_user(), _has_shared_link())
                query = query.where(shared if where.is_shared else ~shared)
        rows = (await self.session.execute(query)).all()
        return [
            AlbumSummary(
                album=row[0],
                asset_count=row.asset_count,
                start_date=row.start_date,
                end_date=row.end_date,
                last_modified_asset_at=row.last_modified,
                thumbnail_asset_id=row.thumbnail,
                has_shared_user=row.has_shared_user,
                has_shared_link=row.has_shared_link,
            )
            for row in rows
        ]

    async def get(self, album_id: uuid.UUID) -> Album | None:
        query = select(Album).where(Album.id == album_id, Album.deleted_at.is_(None))
        return (await self.session.execute(query)).scalar_one_or_none()

    async def members(self, album_ids: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, str, User]]:
        """(album id, role, user) for the owner and every user an album is shared with."""
        if not album_ids:
            return []
        ids = id_array("album_ids", album_ids)
        owners = select(
            Album.id.label("album_id"), literal(OWNER_ROLE).label("role"), Album.owner_id.label("user_id")
        )
        owners = owners.where(Album.id == func.any(ids))
        shared = (
            select(AlbumUser.album_id, AlbumUser.role, AlbumUser.user_id)
            .join(Album, Album.id == AlbumUser.album_id)
            .where(AlbumUser.album_id == func.any(ids), AlbumUser.user_id != Album.owner_id)
        )
        everyone = union_all(owners, shared).subquery()
        query = select(everyone.c.album_id, everyone.c.role, User).join(User, User.id == everyone.c.user_id)
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(query)).all()]

    async def member_role(self, album_id: uuid.UUID, user_id: uuid.UUID) -> str | None:
        """The user's role in the album (``owner`` for its owner), or None when not a member."""
        album = await self.get(album_id)
        if album is None:
            return None
        if album.owner_id == user_id:
            return OWNER_ROLE
        query = select(AlbumUser.role).where(AlbumUser.album_id == album_id, AlbumUser.user_id == user_id)
        role: str | None = (await self.session.execute(query)).scalar_one_or_none()
        return role

    async def contributor_counts(self, album_id: uuid.UUID) -> list[tuple[uuid.UUID, int]]:
        query = (
            select(Asset.owner_id, func.count())
            .join(AlbumAsset, AlbumAsset.asset_id == Asset.id)
            .where(AlbumAsset.album_id == album_id, Asset.deleted_at.is_(None))
            .group_by(Asset.owner_id)
            .order_by(func.count().desc())
        )
        return [(row[0], row[1]) for row in (await self.session.execute(query)).all()]

    async def asset_ids_in(self, album_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of ``asset_ids`` the album holds."""
        if not asset_ids:
            return set()
        query = select(AlbumAsset.asset_id).where(
            AlbumAsset.album_id == album_id, AlbumAsset.asset_id == func.any(id_array("asset_ids", asset_ids))
        )
        return set((await self.session.execute(query)).scalars())

    async def statistics(self, user_id: uuid.UUID) -> tuple[int, int, int]:
        """(owned, shared, owned and not shared) album counts, as Immich's three listings count them."""
        shared = or_(_has_shared_user(), _has_shared_link())
        owned = Album.owner_id == user_id
        query = select(
            func.count().filter(owned),
            func.count().filter(shared),
            func.count().filter(and_(owned, ~shared)),
        ).where(Album.deleted_at.is_(None), _is_member(user_id))
        row = (await self.session.execute(query)).one()
        return row[0], row[1], row[2]

    async def map_markers(self, album_id: uuid.UUID) -> list[MapMarkerRow]:
        """Geotagged live assets of the album, newest first."""
        query = (
            select(
                Asset.id,
                AssetExif.latitude,
                AssetExif.longitude,
                AssetExif.city,
                AssetExif.state,
                AssetExif.country,
            )
            .join(AlbumAsset, AlbumAsset.asset_id == Asset.id)
            .join(AssetExif, AssetExif.asset_id == Asset.id)
            .where(
                AlbumAsset.album_id == album_id,
                AssetExif.latitude.is_not(None),
                AssetExif.longitude.is_not(None),
                Asset.deleted_at.is_(None),
                Asset.visibility.in_(LISTED_VISIBILITIES),
            )
            .order_by(Asset.file_created_at.desc())
        )
        rows = (await self.session.execute(query)).all()
        return cast_rows(list[MapMarkerRow], [tuple(row) for row in rows])

    # --- writing -------------------------------------------------------------------------------

    async def create(self, **values: Any) -> Album:
        album = Album(**values)
        self.session.add(album)
        await self.session.flush()
        return album

    async def update(self, album_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(update(Album).where(Album.id == album_id).values(**values))

    async def delete(self, album_id: uuid.UUID) -> None:
        await self.session.execute(delete(Album).where(Album.id == album_id))

    async def add_users(self, album_id: uuid.UUID, roles: Sequence[tuple[uuid.UUID, str]]) -> None:
        if not roles:
            return
        rows = [{"album_id": album_id, "user_id": user_id, "role": role} for user_id, role in roles]
        await self.session.execute(insert(AlbumUser).values(rows).on_conflict_do_nothing())

    async def set_role(self, album_id: uuid.UUID, user_id: uuid.UUID, role: str) -> bool:
        query = (
            update(AlbumUser)
            .where(AlbumUser.album_id == album_id, AlbumUser.user_id == user_id)
            .values(role=role)
            .returning(AlbumUser.user_id)
        )
        return (await self.session.execute(query)).first() is not None

    async def remove_user(self, album_id: uuid.UUID, user_id: uuid.UUID) -> None:
        await self.session.execute(
            delete(AlbumUser).where(AlbumUser.album_id == album_id, AlbumUser.user_id == user_id)
        )

    async def add_assets(
        self, album_ids: Sequence[uuid.UUID], asset_ids: Sequence[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Put every asset in every album, skipping pairs already there; returns the albums that changed.

        One statement whatever the count; only the changed album ids come back, not one row per asset.
        """
        if not album_ids or not asset_ids:
            return set()
        albums = select(func.unnest(id_array("album_ids", album_ids)).label("album_id")).subquery()
        assets = select(func.unnest(id_array("asset_ids", asset_ids)).label("asset_id")).subquery()
        pairs = select(albums.c.album_id, assets.c.asset_id).join(assets, true())
        inserted = (
            insert(AlbumAsset)
            .from_select(["album_id", "asset_id"], pairs)
            .on_conflict_do_nothing()
            .returning(AlbumAsset.album_id)
            .cte("inserted")
        )
        query = select(inserted.c.album_id).distinct()
        return set((await self.session.execute(query)).scalars())

    async def remove_assets(self, album_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]) -> None:
        """Delete the rows (the audit trigger records each removal for sync)."""
        if not asset_ids:
            return
        await self.session.execute(
            delete(AlbumAsset).where(
                AlbumAsset.album_id == album_id,
                AlbumAsset.asset_id == func.any(id_array("asset_ids", asset_ids)),
            )
        )

    async def refresh_after_change(self, album_ids: Sequence[uuid.UUID]) -> None:
        """Touch the albums (``updated_at``, sync cursor) and repair a missing or stale thumbnail."""
        if not album_ids:
            return
        thumbnail = case((_thumbnail_is_valid(), Album.thumbnail_asset_id), else_=_latest_asset())
        await self.session.execute(
            update(Album)
            .where(Album.id == func.any(id_array("album_ids", album_ids)))
            .values(thumbnail_asset_id=thumbnail)
        )
