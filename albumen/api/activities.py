"""The ``Activities`` tag (Immich 3.2.2: 4 operations)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from albumen.api.deps import DbSession, authenticated
from albumen.dto.activities import (
    ActivityCreateDto,
    ActivityResponseDto,
    ActivityStatisticsResponseDto,
    ReactionLevel,
    ReactionType,
)
from albumen.permissions import Permission
from albumen.services import activities
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/activities", tags=["Activities"])


@router.get("")
async def get_activities(
    albumId: uuid.UUID,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ACTIVITY_READ)],
    assetId: uuid.UUID | None = None,
    level: ReactionLevel | None = None,
    type: ReactionType | None = None,
    userId: uuid.UUID | None = None,
) -> list[ActivityResponseDto]:
    return await activities.list_activities(
        db, auth, albumId, asset_id=assetId, level=level, reaction=type, user_id=userId
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_activity(
    dto: ActivityCreateDto,
    response: Response,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ACTIVITY_CREATE)],
) -> ActivityResponseDto:
    activity, created = await activities.create_activity(db, auth, dto)
    if not created:
        response.status_code = status.HTTP_200_OK  # Immich: liking again returns the first like
    return activity


@router.get("/statistics")
async def get_activity_statistics(
    albumId: uuid.UUID,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ACTIVITY_STATISTICS)],
    assetId: uuid.UUID | None = None,
) -> ActivityStatisticsResponseDto:
    return await activities.statistics(db, auth, albumId, assetId)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_activity(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ACTIVITY_DELETE)]
) -> None:
    await activities.delete_activity(db, auth, id)
