"""The ``System metadata`` tag: admin onboarding and the state of background imports and checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from albumen.api.deps import DbSession, State, authenticated
from albumen.dto.server import (
    AdminOnboardingUpdateDto,
    ReverseGeocodingStateResponseDto,
    VersionCheckStateResponseDto,
)
from albumen.permissions import Permission
from albumen.services import system_metadata
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/system-metadata", tags=["System metadata"])

ReadMetadata = Annotated[AuthContext, authenticated(Permission.SYSTEM_METADATA_READ, admin=True)]


@router.get("/admin-onboarding")
async def get_admin_onboarding(db: DbSession, state: State, auth: ReadMetadata) -> AdminOnboardingUpdateDto:
    return await system_metadata.get_admin_onboarding(db, state.settings)


@router.post("/admin-onboarding", status_code=status.HTTP_204_NO_CONTENT)
async def update_admin_onboarding(
    dto: AdminOnboardingUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.SYSTEM_METADATA_UPDATE, admin=True)],
) -> None:
    await system_metadata.set_admin_onboarding(db, dto)


@router.get("/reverse-geocoding-state")
async def get_reverse_geocoding_state(db: DbSession, auth: ReadMetadata) -> ReverseGeocodingStateResponseDto:
    return await system_metadata.get_reverse_geocoding_state(db)


@router.get("/version-check-state")
async def get_version_check_state(db: DbSession, auth: ReadMetadata) -> VersionCheckStateResponseDto:
    return await system_metadata.get_version_check_state(db)
