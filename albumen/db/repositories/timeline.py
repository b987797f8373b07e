"""Timeline queries: month buckets (from ``asset_month_count`` when the filters allow) and one
month's assets in Immich's columnar JSON."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Numeric,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from albumen.db.repositories.asset_filters import AssetScope, scope_conditions, with_people, with_tags
from albumen.db.repositories.raw import fetch_records
from albumen.db.tables import AlbumAsset, Asset, AssetExif, AssetMonthCount, Partner, Stack

IMAGE = "IMAGE"
#: EXIF orientations that turn the picture sideways (width and height swap on screen).
SIDEWAYS = ("5", "6", "7", "8", "-90", "90")


@dataclass(frozen=True)
class BucketFilter:
    """The timeline's narrowing filters beyond the scope (``TimeBucketDto``)."""

    album_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    tag_id: uuid.UUID | None = None
    is_favorite: bool | None = None
    with_stacked: bool = False
    #: west, south, east, north (WGS84); west > east crosses the antimeridian.
    bbox: tuple[float, float, float, float] | None = None
    by_created_at: bool = False


def month_of(column: Any) -> ColumnElement[Any]:
    """The month a timestamp falls in, read as wall-clock UTC (how Immich buckets)."""
    return cast(func.date_trunc("month", func.timezone("UTC", column)), Date)


def month_range(column: Any, month: date) -> ColumnElement[bool]:
    start = datetime.combine(month.replace(day=1), time(), UTC)
    end_month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    end = datetime.combine(end_month, time(), UTC)
    return and_(column >= start, column < end)


def iso_text(column: Any) -> ColumnElement[str]:
    """``2024-07-14T18:30:00.000Z``, as JavaScript's ``toISOString``."""
    return func.to_char(func.timezone("UTC", column), literal('YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))


def stack_primary_or_unstacked() -> ColumnElement[bool]:
    """Immich's ``withStacked``: a stack shows as its primary asset only."""
    return or_(
        Asset.stack_id.is_(None),
        exists().where(Stack.id == Asset.stack_id, Stack.primary_asset_id == Asset.id),
    )


def in_bbox(bbox: tuple[float, float, float, float]) -> ColumnElement[bool]:
    """Located inside ``bbox`` (west, south, east, north); west > east crosses the antimeridian."""
    west, south, east, north = bbox
    longitude = (
        AssetExif.longitude.between(west, east)
        if west <= east
        else or_(AssetExif.longitude >= west, AssetExif.longitude <= east)
    )
    return exists().where(AssetExif.asset_id == Asset.id, AssetExif.latitude.between(south, north), longitude)


class TimelineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- buckets -------------------------------------------------------------------------------------

    async def bucket_counts(
        self, scope: AssetScope, bucket_filter: BucketFilter, *, descending: bool
    ) -> list[tuple[date, int]]:
        """(month, count) for every month holding assets, newest first when ``descending``."""
        if _countable(scope, bucket_filter):
            counts = await self._summed_counts(scope, bucket_filter)
        else:
            counts = await self._counted(scope, bucket_filter)
        return sorted(((month, count) for month, count in counts.items() if count > 0), reverse=descending)

    async def _summed_counts(self, scope: AssetScope, bucket_filter: BucketFilter) -> dict[date, int]:
        assert scope.owner_ids is not None
        conditions = [AssetMonthCount.owner_id.in_(scope.owner_ids)]
        if scope.visibilities is not None:
            conditions.append(AssetMonthCount.visibility.in_(scope.visibilities))
        if scope.trashed is False:
            conditions.append(AssetMonthCount.is_trashed.is_(False))
        if bucket_filter.is_favorite is not None:
            conditions.append(AssetMonthCount.is_favorite.is_(bucket_filter.is_favorite))
        if bucket_filter.with_stacked:
            conditions.append(AssetMonthCount.is_stacked.is_(False))
        counted = select(AssetMonthCount.month.label("month"), AssetMonthCount.count.label("count")).where(
            *conditions
        )
        if bucket_filter.with_stacked:
            # Stacked assets were left out above; each stack comes back as its primary asset.
            unstacked = replace(bucket_filter, with_stacked=False)
            month = month_of(Asset.local_date_time)
            primaries = (
                select(month, func.count())
                .select_from(Stack)
                .join(Asset, and_(Asset.id == Stack.primary_asset_id, Asset.stack_id == Stack.id))
                .where(Stack.owner_id.in_(scope.owner_ids), *self._filter_conditions(scope, unstacked))
                .group_by(month)
            )
            parts = union_all(counted, primaries).subquery("counted")
        else:
            parts = counted.subquery("counted")
        summed = select(parts.c.month, func.sum(parts.c.count)).group_by(parts.c.month)
        return {month: int(count) for month, count in (await self.session.execute(summed)).all()}

    async def _counted(self, scope: AssetScope, bucket_filter: BucketFilter) -> dict[date, int]:
        month = month_of(Asset.created_at if bucket_filter.by_created_at else Asset.local_date_time)
        query = (
            select(month, func.count()).where(*self._filter_conditions(scope, bucket_filter)).group_by(month)
        )
        return {month_start: int(count) for month_start, count in (await self.session.execute(query)).all()}

    def _filter_conditions(self, scope: AssetScope, bucket_filter: BucketFilter) -> list[ColumnElement[bool]]:
        conditions = scope_conditions(scope)
        if bucket_filter.album_id is not None:
            conditions.append(
                exists().where(AlbumAsset.asset_id == Asset.id, AlbumAsset.album_id == bucket_filter.album_id)
            )
        if bucket_filter.person_id is not None:
            conditions.append(with_people([bucket_filter.person_id]))
        if bucket_filter.tag_id is not None:
            conditions.append(with_tags([bucket_filter.tag_id]))
        if bucket_filter.is_favorite is not None:
            conditions.append(Asset.is_favorite.is_(bucket_filter.is_favorite))
        if bucket_filter.with_stacked:
            conditions.append(stack_primary_or_unstacked())
        if bucket_filter.bbox is not None:
            conditions.append(in_bbox(bucket_filter.bbox))
        return conditions

    # -- one bucket ----------------------------------------------------------------------------------

    async def bucket_json(
        self,
        scope: AssetScope,
        bucket_filter: BucketFilter,
        month: date,
        *,
        descending: bool,
        with_coordinates: bool,
    ) -> bytes:
        """One month's assets as ``TimeBucketAssetResponseDto`` JSON: one array per field, aligned.

        PostgreSQL formats each value (ISO timestamps, base64, ratios); the bare records are turned
        into columns with ``zip``, so a busy month costs little Python.
        """
        dated = Asset.created_at if bucket_filter.by_created_at else Asset.local_date_time
        ordered_by = Asset.created_at if bucket_filter.by_created_at else Asset.file_created_at
        exif, shared_columns = _bucket_columns()
        columns = dict(shared_columns)
        if with_coordinates:
            columns["latitude"] = exif.c.latitude
            columns["longitude"] = exif.c.longitude
        if bucket_filter.with_stacked:
            columns["stack"] = cast(Asset.stack_id, Text)
            columns["stackSize"] = _stack_size()
        query = (
            select(*columns.values())
            .select_from(Asset)
            .outerjoin(exif, true())
            .where(month_range(dated, month), *self._filter_conditions(scope, bucket_filter))
            .order_by(ordered_by.desc() if descending else ordered_by.asc(), Asset.id)
        )
        records = await fetch_records(self.session, query)
        bucket: dict[str, list[Any]] = {name: [] for name in columns}
        if records:
            bucket = dict(zip(columns, map(list, zip(*records, strict=True)), strict=True))
        if bucket_filter.with_stacked:
            # Immich sends [stackId, assetCount] with the count as text, null outside stacks.
            sizes = bucket.pop("stackSize")
            bucket["stack"] = [
                None if stack_id is None else [stack_id, str(size)]
                for stack_id, size in zip(bucket["stack"], sizes, strict=True)
            ]
        return orjson.dumps(bucket)

    # -- who shares with whom -------------------------------------------------------------------------

    async def partners_sharing_with(self, user_id: uuid.UUID, *, in_timeline_only: bool) -> list[uuid.UUID]:
        """Users who share their library with ``user_id`` (only those shown in the timeline, if asked)."""
        query = select(Partner.shared_by_id).where(Partner.shared_with_id == user_id)
        if in_timeline_only:
            query = query.where(Partner.in_timeline.is_(True))
        return list((await self.session.execute(query.order_by(Partner.shared_by_id))).scalars())

    # -- statistics ------------------------------------------------------------------------------------

    async def type_counts(
        self,
        owner_id: uuid.UUID,
        *,
        visibilities: Sequence[str] | None,
        is_favorite: bool | None,
        trashed: bool | None,
    ) -> dict[str, int]:
        """Assets per type, from the month counts (statistics without counting the library)."""
        conditions = [AssetMonthCount.owner_id == owner_id]
        if visibilities is not None:
            conditions.append(AssetMonthCount.visibility.in_(visibilities))
        if is_favorite is not None:
            conditions.append(AssetMonthCount.is_favorite.is_(is_favorite))
        if trashed is not None:
            conditions.append(AssetMonthCount.is_trashed.is_(trashed))
        query = select(AssetMonthCount.type, func.sum(AssetMonthCount.count)).where(*conditions)
        rows = (await self.session.execute(query.group_by(AssetMonthCount.type))).all()
        return {asset_type: int(count) for asset_type, count in rows}


def _countable(scope: AssetScope, bucket_filter: BucketFilter) -> bool:
    """Whether ``asset_month_count`` holds the answer (its groups cover these filters)."""
    return (
        scope.owner_ids is not None
        and not scope.trashed
        and bucket_filter.album_id is None
        and bucket_filter.person_id is None
        and bucket_filter.tag_id is None
        and bucket_filter.bbox is None
        and not bucket_filter.by_created_at
    )


def _offset_hours() -> ColumnElement[Any]:
    """How far the wall-clock time is ahead of UTC, in (possibly fractional) hours."""
    return cast(func.extract("epoch", Asset.local_date_time - Asset.file_created_at) / 3600, Float)


@cache
def _bucket_columns() -> tuple[Any, dict[str, Any]]:
    """The bucket's columns, built once: (the per-asset EXIF subquery, field name -> expression).

    The EXIF row is fetched per asset (``LIMIT 1`` keeps it a nested loop: a month is a sliver of
    the library, and a hash join would read every EXIF row).
    """
    exif = (
        select(
            AssetExif.projection_type,
            AssetExif.city,
            AssetExif.country,
            AssetExif.latitude,
            AssetExif.longitude,
            _exif_ratio().label("ratio"),
        )
        .where(AssetExif.asset_id == Asset.id)
        .limit(1)
        .lateral("exif")
    )
    columns: dict[str, Any] = {
        "id": cast(Asset.id, Text),
        "ownerId": cast(Asset.owner_id, Text),
        "ratio": _ratio(exif.c.ratio),
        "isFavorite": Asset.is_favorite,
        "visibility": Asset.visibility,
        "isTrashed": Asset.deleted_at.is_not(None),
        "isImage": Asset.type == IMAGE,
        "thumbhash": func.translate(func.encode(Asset.thumbhash, "base64"), "\n", ""),
        "createdAt": iso_text(Asset.created_at),
        "fileCreatedAt": iso_text(Asset.file_created_at),
        "localOffsetHours": _offset_hours(),
        "duration": Asset.duration_ms,
        "projectionType": exif.c.projection_type,
        "livePhotoVideoId": cast(Asset.live_photo_video_id, Text),
        "city": exif.c.city,
        "country": exif.c.country,
    }
    return exif, columns


def _stack_size() -> ColumnElement[Any]:
    """How many live assets share this asset's stack (null outside stacks)."""
    member = aliased(Asset)
    size = (
        select(func.count())
        .where(member.stack_id == Asset.stack_id, member.deleted_at.is_(None))
        .scalar_subquery()
    )
    return case((Asset.stack_id.is_(None), null()), else_=size)


def _exif_ratio() -> ColumnElement[Any]:
    """Width over height from EXIF, turned upright (null when EXIF has no size)."""
    sideways = AssetExif.orientation.in_(SIDEWAYS)
    width = case((sideways, AssetExif.exif_image_height), else_=AssetExif.exif_image_width)
    height = case((sideways, AssetExif.exif_image_width), else_=AssetExif.exif_image_height)
    return case(
        (and_(width > 0, height > 0), func.round(cast(width, Numeric) / height, 3)),
        else_=null(),
    )


def _ratio(exif_ratio: Any) -> ColumnElement[Any]:
    """Width over height as displayed: the asset's (already upright) size, else EXIF's, else 1."""
    own = case(
        (and_(Asset.width > 0, Asset.height > 0), func.round(cast(Asset.width, Numeric) / Asset.height, 3)),
        else_=null(),
    )
    return cast(func.coalesce(own, exif_ratio, 1), Float)
