"""Timeline queries: month buckets (from ``asset_month_count`` when the filters allow) and one
month's assets in Immich's columnar JSON."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.sql.visitors import iterate

from albumen.db.repositories.asset_filters import AssetScope, scope_conditions, with_people, with_tags
from albumen.db.repositories.raw import fetch_template
from albumen.db.tables import AlbumAsset, Asset, AssetExif, AssetMonthCount, AssetTimeline, Partner, Stack

IMAGE = "IMAGE"
Timeline = AssetTimeline


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


def month_start(month: date) -> datetime:
    return datetime.combine(month.replace(day=1), time(), UTC)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


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
        # withStacked: each stack counts as its primary asset.
        counted = (
            case((AssetMonthCount.is_stacked, AssetMonthCount.primaries), else_=AssetMonthCount.count)
            if bucket_filter.with_stacked
            else AssetMonthCount.count
        )
        query = select(AssetMonthCount.month, func.sum(counted)).where(*conditions)
        rows = (await self.session.execute(query.group_by(AssetMonthCount.month))).all()
        return {month: int(count) for month, count in rows}

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

        Read from ``asset_timeline``, whose rows hold the values already formatted (ISO timestamps,
        base64, ratios); the same filters as on ``asset`` apply, its columns having the same names.
        PostgreSQL writes the whole JSON document (every ``json_agg`` has the same order, so the rows
        are sorted once): a month of thousands of assets makes no Python object per value.
        """
        values: dict[str, Any] = {
            "month_start": month_start(month),
            "month_end": month_start(next_month(month)),
        }
        owners = scope.owner_ids or ()
        values.update((f"owner_{index}", owner) for index, owner in enumerate(owners))
        if scope.owner_ids is not None:
            # Placeholders in place of the ids: the conditions built from them take them as they are.
            placeholders: Any = tuple(bindparam(f"owner_{index}", None) for index in range(len(owners)))
            scope = replace(scope, owner_ids=placeholders)
        # The common timelines (own, partners', favourites, archive, trash) come in a few shapes, each
        # built and compiled once; one with an album, person, tag or map box is built every time.
        narrowed = (bucket_filter.album_id, bucket_filter.person_id, bucket_filter.tag_id, bucket_filter.bbox)
        shape: Any = None
        if narrowed == (None, None, None, None):
            shape = ("bucket", len(owners), scope.visibilities, scope.trashed, bucket_filter, descending)
            shape += (with_coordinates,)

        def build() -> Select[Any]:
            return self._bucket_query(scope, bucket_filter, descending, with_coordinates)

        records = await fetch_template(self.session, shape, build, values)
        document: str = records[0][0]
        return document.encode()

    def _bucket_query(
        self, scope: AssetScope, bucket_filter: BucketFilter, descending: bool, with_coordinates: bool
    ) -> Select[Any]:
        dated = Timeline.created_at if bucket_filter.by_created_at else Timeline.local_date_time
        ordered_by = Timeline.created_at if bucket_filter.by_created_at else Timeline.file_created_at
        columns = dict(_bucket_columns())
        if with_coordinates:
            columns["latitude"] = Timeline.latitude
            columns["longitude"] = Timeline.longitude
        if bucket_filter.with_stacked:
            columns["stack"] = _stack_pair()
        order = (ordered_by.desc() if descending else ordered_by.asc(), Timeline.id)
        fields: list[Any] = []
        for name, column in columns.items():
            aggregated = func.json_agg(aggregate_order_by(column, *order))
            fields += [literal(name), func.coalesce(aggregated, literal_column("'[]'::json"))]
        conditions = [_on_timeline(condition) for condition in self._filter_conditions(scope, bucket_filter)]
        in_month = and_(dated >= bindparam("month_start", None), dated < bindparam("month_end", None))
        return select(cast(func.json_build_object(*fields), Text)).where(in_month, *conditions)

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


#: ``asset`` conditions turned into the same conditions on ``asset_timeline`` (same column names).
_TIMELINE_ADAPTER = ClauseAdapter(
    AssetTimeline.__table__,
    include_fn=lambda column: getattr(column, "table", None) is Asset.__table__,
    adapt_on_names=True,
)


def _on_timeline(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    adapted: ColumnElement[bool] = _TIMELINE_ADAPTER.traverse(condition)
    # A filter on a column asset_timeline lacks would silently join all of asset: add the column.
    left = [element for element in iterate(adapted) if getattr(element, "table", None) is Asset.__table__]
    if left:
        raise ValueError(f"asset_timeline lacks the filtered column(s) {[str(column) for column in left]}")
    return adapted


@cache
def _bucket_columns() -> dict[str, Any]:
    """The bucket's fields (name -> expression), built once."""
    return {
        "id": cast(Timeline.id, Text),
        "ownerId": cast(Timeline.owner_id, Text),
        "ratio": Timeline.ratio,
        "isFavorite": Timeline.is_favorite,
        "visibility": Timeline.visibility,
        "isTrashed": Timeline.deleted_at.is_not(None),
        "isImage": Timeline.type == IMAGE,
        "thumbhash": Timeline.thumbhash,
        "createdAt": Timeline.created_at_text,
        "fileCreatedAt": Timeline.file_created_at_text,
        "localOffsetHours": Timeline.local_offset_hours,
        "duration": Timeline.duration_ms,
        "projectionType": Timeline.projection_type,
        "livePhotoVideoId": cast(Timeline.live_photo_video_id, Text),
        "city": Timeline.city,
        "country": Timeline.country,
    }


def _stack_pair() -> ColumnElement[Any]:
    """Immich's ``[stackId, assetCount]`` with the count as text; null outside stacks."""
    return case(
        (Timeline.stack_id.is_(None), null()),
        else_=func.json_build_array(cast(Timeline.stack_id, Text), cast(_stack_size(), Text)),
    )


def _stack_size() -> ColumnElement[Any]:
    """How many live assets share this asset's stack."""
    member = aliased(Asset)
    return (
        select(func.count())
        .where(member.stack_id == Timeline.stack_id, member.deleted_at.is_(None))
        .scalar_subquery()
    )
