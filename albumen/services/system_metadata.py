"""Server-wide state kept in ``system_metadata`` under Immich's keys: admin onboarding, the reverse
geocoding import and the last new-version check."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.config import Settings
from albumen.db.repositories.system_metadata import SystemMetadataRepository
from albumen.dto.server import (
    AdminOnboardingUpdateDto,
    ReverseGeocodingStateResponseDto,
    VersionCheckStateResponseDto,
)

ADMIN_ONBOARDING_KEY = "admin-onboarding"
REVERSE_GEOCODING_STATE_KEY = "reverse-geocoding-state"
VERSION_CHECK_STATE_KEY = "version-check-state"


async def is_admin_onboarded(db: AsyncSession, settings: Settings) -> bool:
    # Immich marks onboarding done when a config file is in use: its settings step cannot be edited.
    if settings.config_file is not None:
        return True
    stored = await _get_object(db, ADMIN_ONBOARDING_KEY)
    return bool(stored.get("isOnboarded", False))


async def get_admin_onboarding(db: AsyncSession, settings: Settings) -> AdminOnboardingUpdateDto:
    return AdminOnboardingUpdateDto(isOnboarded=await is_admin_onboarded(db, settings))


async def set_admin_onboarding(db: AsyncSession, onboarding: AdminOnboardingUpdateDto) -> None:
    await SystemMetadataRepository(db).set(ADMIN_ONBOARDING_KEY, {"isOnboarded": onboarding.isOnboarded})
    await db.commit()


async def get_reverse_geocoding_state(db: AsyncSession) -> ReverseGeocodingStateResponseDto:
    stored = await _get_object(db, REVERSE_GEOCODING_STATE_KEY)
    return ReverseGeocodingStateResponseDto(
        lastUpdate=stored.get("lastUpdate"), lastImportFileName=stored.get("lastImportFileName")
    )


async def get_version_check_state(db: AsyncSession) -> VersionCheckStateResponseDto:
    """What the last check for a new release found; Albumen never calls out, so usually nulls."""
    stored = await _get_object(db, VERSION_CHECK_STATE_KEY)
    return VersionCheckStateResponseDto(
        checkedAt=stored.get("checkedAt"), releaseVersion=stored.get("releaseVersion")
    )


async def _get_object(db: AsyncSession, key: str) -> dict[str, Any]:
    stored = await SystemMetadataRepository(db).get(key)
    return stored if isinstance(stored, dict) else {}
