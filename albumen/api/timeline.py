"""The ``Timeline`` tag: month buckets and one bucket's assets (Immich's columnar format)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from albumen.api.deps import DbSession, authenticated
from albumen.dto.timeline import (
    TimeBucketAssetDto,
    TimeBucketAssetResponseDto,
    TimeBucketDto,
    TimeBucketsResponseDto,
)
from albumen.permissions import Permission
from albumen.services import timeline
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/timeline", tags=["Timeline"])


def json_response(body: str | bytes) -> Response:
    """A body the service already serialized (long lists, built by PostgreSQL or orjson)."""
    return Response(body, media_type="application/json")


@router.get("/buckets")
async def get_time_buckets(
    dto: Annotated[TimeBucketDto, Query()],
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_READ)],
) -> list[TimeBucketsResponseDto]:
    return await timeline.time_buckets(db, auth, dto)


@router.get("/bucket", response_model=TimeBucketAssetResponseDto)
async def get_time_bucket(
    dto: Annotated[TimeBucketAssetDto, Query()],
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_READ)],
) -> Response:
    return json_response(await timeline.time_bucket(db, auth, dto))
