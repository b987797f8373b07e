"""Queries on ``asset``, ``asset_exif`` and ``asset_job_status``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    SQLColumnExpression,
    TextClause,
    and_,
    bindparam,
    case,
    delete,
    func,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import (
    AlbumAsset,
    Asset,
    AssetExif,
    AssetFile,
    AssetJobStatus,
    SharedLinkAsset,
    User,
)


class AssetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, asset_id: uuid.UUID) -> Asset | None:
        return (await self.session.execute(select(Asset).where(Asset.id == asset_id))).scalar_one_or_none()

    async def get_with_exif(self, asset_id: uuid.UUID) -> tuple[Asset, AssetExif | None, User] | None:
        query = (
            select(Asset, AssetExif, User)
            .join(User, User.id == Asset.owner_id)
            .outerjoin(AssetExif, AssetExif.asset_id == Asset.id)
            .where(Asset.id == asset_id)
            .execution_options(populate_existing=True)
        )
        row = (await self.session.execute(query)).one_or_none()
        return None if row is None else (row[0], row[1], row[2])

    async def get_many(self, asset_ids: Sequence[uuid.UUID]) -> Sequence[Asset]:
        if not asset_ids:
            return []
        return (await self.session.execute(select(Asset).where(any_of(Asset.id, asset_ids)))).scalars().all()

    async def get_many_with_exif(
        self, asset_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[Asset, AssetExif | None]]:
        if not asset_ids:
            return {}
        query = (
            select(Asset, AssetExif)
            .outerjoin(AssetExif, AssetExif.asset_id == Asset.id)
            .where(any_of(Asset.id, asset_ids))
            .execution_options(populate_existing=True)
        )
        return {asset.id: (asset, exif) for asset, exif in await self.session.execute(query)}

    async def get_by_checksum(self, owner_id: uuid.UUID, checksum: bytes) -> Asset | None:
        query = select(Asset).where(
            Asset.owner_id == owner_id, Asset.checksum == checksum, Asset.library_id.is_(None)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def get_by_checksums(self, owner_id: uuid.UUID, checksums: Sequence[bytes]) -> Sequence[Asset]:
        if not checksums:
            return []
        query = select(Asset).where(
            Asset.owner_id == owner_id, Asset.checksum.in_(checksums), Asset.library_id.is_(None)
        )
        return (await self.session.execute(query)).scalars().all()

    async def create(self, **values: Any) -> Asset:
        asset = Asset(**values)
        self.session.add(asset)
        await self.session.flush()
        return asset

    async def create_exif(self, **values: Any) -> None:
        await self.session.execute(insert(AssetExif).values(**values).on_conflict_do_nothing())

    async def create_job_status(self, asset_id: uuid.UUID) -> None:
        await self.session.execute(insert(AssetJobStatus).values(asset_id=asset_id).on_conflict_do_nothing())

    async def update(self, asset_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(update(Asset).where(Asset.id == asset_id).values(**values))

    async def update_many(self, asset_ids: Sequence[uuid.UUID], **values: Any) -> None:
        if asset_ids:
            await self.session.execute(update(Asset).where(any_of(Asset.id, asset_ids)).values(**values))

    async def upsert_exif(self, asset_id: uuid.UUID, **values: Any) -> None:
        statement = insert(AssetExif).values(asset_id=asset_id, **values)
        statement = statement.on_conflict_do_update(index_elements=[AssetExif.asset_id], set_=values)
        await self.session.execute(statement)

    async def update_job_status(self, asset_id: uuid.UUID, **values: Any) -> None:
        statement = insert(AssetJobStatus).values(asset_id=asset_id, **values)
        statement = statement.on_conflict_do_update(index_elements=[AssetJobStatus.asset_id], set_=values)
        await self.session.execute(statement)

    async def statistics(
        self,
        owner_id: uuid.UUID,
        *,
        is_favorite: bool | None = None,
        is_trashed: bool | None = None,
        visibility: str | None = None,
    ) -> tuple[int, int]:
        """(images, videos) owned by ``owner_id`` matching the filters."""
        conditions = [Asset.owner_id == owner_id]
        if is_favorite is not None:
            conditions.append(Asset.is_favorite.is_(is_favorite))
        if is_trashed is not None:
            conditions.append(Asset.deleted_at.is_not(None) if is_trashed else Asset.deleted_at.is_(None))
        if visibility is not None:
            conditions.append(Asset.visibility == visibility)
        else:
            conditions.append(Asset.visibility != "hidden")
        query = select(
            func.count(case((Asset.type == "IMAGE", 1))), func.count(case((Asset.type == "VIDEO", 1)))
        ).where(and_(*conditions))
        images, videos = (await self.session.execute(query)).one()
        return int(images), int(videos)

    async def add_usage(self, user_id: uuid.UUID, delta: int) -> None:
        await self.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(quota_usage_in_bytes=User.quota_usage_in_bytes + delta)
        )

    # --- changes made through the API -------------------------------------------------------------

    async def update_exif_locked(self, asset_ids: Sequence[uuid.UUID], values: dict[str, Any]) -> None:
        """Write ``asset_exif`` columns for assets and lock them against metadata re-extraction.

        Locked names are Immich's camelCase ``lockedProperties`` (``description``, ``dateTimeOriginal``,
        ``timeZone``, ``latitude``, ``longitude``, ``rating``, ``tags``).
        """
        if not asset_ids or not values:
            return
        missing = select(func.unnest(uuid_array(asset_ids)))
        await self.session.execute(
            insert(AssetExif).from_select(["asset_id"], missing).on_conflict_do_nothing()
        )
        locked = [_LOCKED_NAMES.get(column, column) for column in values]
        await self.session.execute(
            update(AssetExif)
            .where(any_of(AssetExif.asset_id, asset_ids))
            .values(**values, locked_properties=with_locked_properties(locked))
        )

    async def shift_exif_dates(
        self, asset_ids: Sequence[uuid.UUID], minutes: float, time_zone: str | None
    ) -> None:
        """Move each asset's ``dateTimeOriginal`` by ``minutes`` and/or set its zone (both locked)."""
        values: dict[str, Any] = {}
        if minutes:
            values["date_time_original"] = AssetExif.date_time_original + func.make_interval(
                0, 0, 0, 0, 0, 0, minutes * 60
            )
        if time_zone is not None:
            values["time_zone"] = time_zone
        await self.update_exif_locked(asset_ids, values)

    async def exif_dates(
        self, asset_ids: Sequence[uuid.UUID]
    ) -> list[tuple[uuid.UUID, datetime, str | None]]:
        """(asset id, ``dateTimeOriginal``, zone) of the assets that have a date."""
        if not asset_ids:
            return []
        query = select(AssetExif.asset_id, AssetExif.date_time_original, AssetExif.time_zone).where(
            any_of(AssetExif.asset_id, asset_ids), AssetExif.date_time_original.is_not(None)
        )
        return [(row[0], row[1], row[2]) for row in await self.session.execute(query) if row[1] is not None]

    async def set_dates(self, dates: Sequence[tuple[uuid.UUID, datetime, datetime]]) -> None:
        """(asset id, file_created_at, local_date_time) for each asset, in one executemany."""
        if dates:
            await self.session.execute(
                update(Asset),
                [
                    {"id": asset_id, "file_created_at": instant, "local_date_time": local}
                    for asset_id, instant, local in dates
                ],
            )

    async def remove_from_albums(self, asset_ids: Sequence[uuid.UUID]) -> None:
        """Locked assets leave every album (Immich: the locked folder is private to its owner)."""
        if asset_ids:
            await self.session.execute(delete(AlbumAsset).where(any_of(AlbumAsset.asset_id, asset_ids)))

    async def copy_album_links(self, source_id: uuid.UUID, target_id: uuid.UUID) -> None:
        links = select(AlbumAsset.album_id, literal(target_id)).where(AlbumAsset.asset_id == source_id)
        await self.session.execute(
            insert(AlbumAsset).from_select(["album_id", "asset_id"], links).on_conflict_do_nothing()
        )

    async def copy_shared_link_links(self, source_id: uuid.UUID, target_id: uuid.UUID) -> None:
        links = select(SharedLinkAsset.shared_link_id, literal(target_id)).where(
            SharedLinkAsset.asset_id == source_id
        )
        await self.session.execute(
            insert(SharedLinkAsset)
            .from_select(["shared_link_id", "asset_id"], links)
            .on_conflict_do_nothing()
        )

    # --- trash ------------------------------------------------------------------------------------

    async def trash(self, asset_ids: Sequence[uuid.UUID], status: str) -> None:
        """Soft delete: ``trashed`` waits in the trash, ``deleted`` waits to be purged."""
        if asset_ids:
            await self.session.execute(
                update(Asset)
                .where(any_of(Asset.id, asset_ids))
                .values(deleted_at=func.coalesce(Asset.deleted_at, func.now()), status=status)
            )

    async def restore(self, asset_ids: Sequence[uuid.UUID]) -> None:
        if asset_ids:
            await self.session.execute(
                update(Asset)
                .where(any_of(Asset.id, asset_ids), Asset.status == TRASHED)
                .values(deleted_at=None, status=ACTIVE)
            )

    async def restore_all(self, owner_id: uuid.UUID) -> int:
        statement = (
            update(Asset)
            .where(Asset.owner_id == owner_id, Asset.deleted_at.is_not(None), Asset.status == TRASHED)
            .values(deleted_at=None, status=ACTIVE)
        )
        return _rowcount(await self.session.execute(statement))

    async def mark_trash_for_purge(self, owner_id: uuid.UUID) -> int:
        statement = (
            update(Asset)
            .where(Asset.owner_id == owner_id, Asset.deleted_at.is_not(None), Asset.status == TRASHED)
            .values(status=DELETED)
        )
        return _rowcount(await self.session.execute(statement))

    async def ids_to_purge(self, limit: int, owner_id: uuid.UUID | None = None) -> list[uuid.UUID]:
        """Assets marked ``deleted`` (emptied trash, forced deletes) that still have rows."""
        query = select(Asset.id).where(Asset.deleted_at.is_not(None), Asset.status == DELETED)
        if owner_id is not None:
            query = query.where(Asset.owner_id == owner_id)
        return list((await self.session.execute(query.limit(limit))).scalars())

    async def trashed_before(self, cutoff: datetime, limit: int) -> list[uuid.UUID]:
        """Assets in the trash since before ``cutoff`` (for the nightly purge after ``trash.days``)."""
        query = select(Asset.id).where(Asset.deleted_at.is_not(None), Asset.deleted_at < cutoff).limit(limit)
        return list((await self.session.execute(query)).scalars())

    async def motion_parts_still_used(
        self, motion_ids: Sequence[uuid.UUID], leaving: Sequence[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Which motion videos are still the live photo video of an asset that is not leaving."""
        if not motion_ids:
            return set()
        query = select(Asset.live_photo_video_id).where(
            any_of(Asset.live_photo_video_id, motion_ids), none_of(Asset.id, leaving)
        )
        return {value for value in (await self.session.execute(query)).scalars() if value is not None}

    async def delete_many(self, asset_ids: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, int]]:
        """Delete rows (dependent rows cascade); returns (owner id, bytes) of each uploaded asset that
        this call removed, so two purges racing on the same assets give the space back only once."""
        if not asset_ids:
            return []
        statement = (
            delete(Asset)
            .where(any_of(Asset.id, asset_ids))
            .returning(Asset.owner_id, Asset.library_id, Asset.file_size)
        )
        rows = (await self.session.execute(statement)).all()
        return [(row.owner_id, int(row.file_size or 0)) for row in rows if row.library_id is None]

    # --- downloads --------------------------------------------------------------------------------

    async def download_sizes(
        self,
        *,
        asset_ids: Sequence[uuid.UUID] | None = None,
        album_id: uuid.UUID | None = None,
        owner_id: uuid.UUID | None = None,
    ) -> list[tuple[uuid.UUID, uuid.UUID | None, int]]:
        """(id, live photo video id, bytes) of what a download holds, in a stable order."""
        size = func.coalesce(AssetExif.file_size_in_byte, Asset.file_size, 0)
        query = (
            select(Asset.id, Asset.live_photo_video_id, size)
            .outerjoin(AssetExif, AssetExif.asset_id == Asset.id)
            .where(Asset.deleted_at.is_(None))
        )
        if asset_ids is not None:
            query = query.where(any_of(Asset.id, asset_ids))
        if album_id is not None:
            query = query.join(AlbumAsset, AlbumAsset.asset_id == Asset.id).where(
                AlbumAsset.album_id == album_id
            )
        if owner_id is not None:
            query = query.where(Asset.owner_id == owner_id, Asset.visibility.in_(("timeline", "archive")))
        query = query.order_by(Asset.file_created_at, Asset.id)
        return [(row[0], row[1], int(row[2])) for row in await self.session.execute(query)]

    async def edited_fullsize_paths(self, asset_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not asset_ids:
            return {}
        query = select(AssetFile.asset_id, AssetFile.path).where(
            any_of(AssetFile.asset_id, asset_ids), AssetFile.type == "fullsize", AssetFile.is_edited.is_(True)
        )
        return {row.asset_id: row.path for row in await self.session.execute(query)}


ACTIVE = "active"
TRASHED = "trashed"
DELETED = "deleted"

#: ``asset_exif`` column -> Immich's ``lockedProperties`` name.
_LOCKED_NAMES = {
    "description": "description",
    "date_time_original": "dateTimeOriginal",
    "time_zone": "timeZone",
    "latitude": "latitude",
    "longitude": "longitude",
    "rating": "rating",
    "tags": "tags",
}


def uuid_array(values: Iterable[uuid.UUID]) -> BindParameter[Any]:
    """Ids as one array parameter: bulk requests carry tens of thousands, past PostgreSQL's 32,767
    parameters per statement that an expanded ``IN (...)`` would need."""
    return bindparam(None, value=list(values), type_=ARRAY(UUID(as_uuid=True)))


def any_of(column: SQLColumnExpression[Any], values: Iterable[uuid.UUID]) -> ColumnElement[bool]:
    return column == func.any(uuid_array(values))


def none_of(column: SQLColumnExpression[Any], values: Iterable[uuid.UUID]) -> ColumnElement[bool]:
    return column != func.all(uuid_array(values))


def with_locked_properties(names: Sequence[str]) -> TextClause:
    """``asset_exif.locked_properties`` plus ``names``, without duplicates (for an UPDATE's SET)."""
    return text(
        "ARRAY(SELECT DISTINCT unnest(coalesce(asset_exif.locked_properties, '{}'::text[]) "
        "|| CAST(:locked AS text[])))"
    ).bindparams(locked=list(names))


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
