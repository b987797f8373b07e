"""The ``Map`` tag: markers for located assets, and reverse geocoding."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from albumen.api.deps import DbSession, authenticated
from albumen.api.timeline import json_response
from albumen.dto.map import (
    MapMarkerDto,
    MapMarkerResponseDto,
    MapReverseGeocodeDto,
    MapReverseGeocodeResponseDto,
)
from albumen.permissions import Permission
from albumen.services import map as map_service
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/map", tags=["Map"])


@router.get("/markers", response_model=list[MapMarkerResponseDto])
async def get_map_markers(
    dto: Annotated[MapMarkerDto, Query()],
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.MAP_READ)],
) -> Response:
    return json_response(await map_service.markers(db, auth, dto))


@router.get("/reverse-geocode")
async def reverse_geocode(
    dto: Annotated[MapReverseGeocodeDto, Query()],
    auth: Annotated[AuthContext, authenticated(Permission.MAP_SEARCH)],
) -> list[MapReverseGeocodeResponseDto]:
    return await map_service.reverse_geocode(dto.lat, dto.lon)
