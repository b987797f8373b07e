"""The timeline: month buckets of what the caller may see, and one month's assets."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.timeline import TimelineRepository
from albumen.dto.timeline import AssetOrderBy, TimeBucketAssetDto, TimeBucketDto, TimeBucketsResponseDto
from albumen.dto.user_preferences import AssetOrder
from albumen.services.authentication import AuthContext
from albumen.services.visibility import TimelineRequest, timeline_scope


def _request(dto: TimeBucketDto) -> TimelineRequest:
    return TimelineRequest(
        user_id=dto.userId,
        album_id=dto.albumId,
        person_id=dto.personId,
        tag_id=dto.tagId,
        visibility=dto.visibility,
        is_favorite=dto.isFavorite,
        is_trashed=dto.isTrashed,
        with_partners=bool(dto.withPartners),
        with_stacked=bool(dto.withStacked),
        bbox=dto.bounding_box(),
        by_created_at=dto.orderBy is AssetOrderBy.CREATED_AT,
    )


async def time_buckets(
    db: AsyncSession, auth: AuthContext, dto: TimeBucketDto
) -> list[TimeBucketsResponseDto]:
    scope, bucket_filter = await timeline_scope(db, auth, _request(dto))
    counts = await TimelineRepository(db).bucket_counts(
        scope, bucket_filter, descending=dto.order is not AssetOrder.ASC
    )
    return [TimeBucketsResponseDto(timeBucket=month.isoformat(), count=count) for month, count in counts]


async def time_bucket(db: AsyncSession, auth: AuthContext, dto: TimeBucketAssetDto) -> bytes:
    """The bucket as ``TimeBucketAssetResponseDto`` JSON."""
    scope, bucket_filter = await timeline_scope(db, auth, _request(dto))
    month = date.fromisoformat(dto.timeBucket)
    return await TimelineRepository(db).bucket_json(
        scope,
        bucket_filter,
        month,
        descending=dto.order is not AssetOrder.ASC,
        with_coordinates=bool(dto.withCoordinates),
    )
