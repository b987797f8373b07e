"""Likes and comments on albums and their assets, by the album's owner and members.

Reading needs ``album.read`` on the album; writing needs membership of an album whose activity is
enabled; an activity may be deleted by its author or by the album's owner (Immich's rules).
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.activities import ALBUM_LEVEL, ActivityRepository
from albumen.db.tables import Activity, User
from albumen.dto.activities import (
    ActivityCreateDto,
    ActivityResponseDto,
    ActivityStatisticsResponseDto,
    ReactionLevel,
    ReactionType,
)
from albumen.dto.users import to_user_dto
from albumen.permissions import Permission
from albumen.services.access import require_albums
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError


async def list_activities(
    db: AsyncSession,
    auth: AuthContext,
    album_id: uuid.UUID,
    *,
    asset_id: uuid.UUID | None = None,
    level: ReactionLevel | None = None,
    reaction: ReactionType | None = None,
    user_id: uuid.UUID | None = None,
) -> list[ActivityResponseDto]:
    await require_albums(db, auth, Permission.ALBUM_READ, [album_id])
    rows = await ActivityRepository(db).search(
        album_id,
        asset_id=ALBUM_LEVEL if level is ReactionLevel.ALBUM else asset_id,
        user_id=user_id,
        is_liked=None if reaction is None else reaction is ReactionType.LIKE,
    )
    return [_to_dto(activity, user) for activity, user in rows]


async def statistics(
    db: AsyncSession, auth: AuthContext, album_id: uuid.UUID, asset_id: uuid.UUID | None
) -> ActivityStatisticsResponseDto:
    await require_albums(db, auth, Permission.ALBUM_READ, [album_id])
    comments, likes = await ActivityRepository(db).statistics(album_id, asset_id)
    return ActivityStatisticsResponseDto(comments=comments, likes=likes)


async def create_activity(
    db: AsyncSession, auth: AuthContext, dto: ActivityCreateDto
) -> tuple[ActivityResponseDto, bool]:
    """Returns the activity and whether it is new; liking twice returns the first like."""
    activities = ActivityRepository(db)
    if auth.shared_link is not None or not await activities.commentable_albums(auth.user_id, [dto.albumId]):
        raise BadRequestError(f"Not found or no {Permission.ACTIVITY_CREATE.value} access")
    if dto.type is ReactionType.LIKE:
        activity = await activities.create_like(dto.albumId, dto.assetId, auth.user_id)
        if activity is None:
            existing = await activities.search(
                dto.albumId,
                asset_id=dto.assetId if dto.assetId is not None else ALBUM_LEVEL,
                user_id=auth.user_id,
                is_liked=True,
            )
            if existing:
                return _to_dto(*existing[0]), False
            raise BadRequestError(f"Not found or no {Permission.ACTIVITY_CREATE.value} access")
    else:
        activity = await activities.create_comment(dto.albumId, dto.assetId, auth.user_id, dto.comment or "")
    await db.commit()
    return _to_dto(activity, auth.user), True


async def delete_activity(db: AsyncSession, auth: AuthContext, activity_id: uuid.UUID) -> None:
    activities = ActivityRepository(db)
    found = await activities.owner_and_album_owner(activity_id)
    if found is None or auth.shared_link is not None or auth.user_id not in found:
        raise BadRequestError(f"Not found or no {Permission.ACTIVITY_DELETE.value} access")
    await activities.delete(activity_id)
    await db.commit()


def _to_dto(activity: Activity, user: User) -> ActivityResponseDto:
    return ActivityResponseDto(
        id=str(activity.id),
        createdAt=activity.created_at,
        user=to_user_dto(user),
        assetId=str(activity.asset_id) if activity.asset_id else None,
        type=ReactionType.LIKE if activity.is_liked else ReactionType.COMMENT,
        comment=activity.comment,
    )
