"""The ``Users`` tag: ``/api/users`` (the ``/me`` routes come before ``/{id}`` so they match first)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import FileResponse

from albumen.api.deps import DbSession, State, authenticated
from albumen.dto.user_preferences import UserPreferencesResponseDto, UserPreferencesUpdateDto
from albumen.dto.users import (
    CalendarHeatmapResponseDto,
    CalendarHeatmapType,
    CreateProfileImageResponseDto,
    LicenseKeyDto,
    OnboardingDto,
    OnboardingResponseDto,
    UserAdminResponseDto,
    UserLicense,
    UserResponseDto,
    UserUpdateMeDto,
)
from albumen.permissions import Permission
from albumen.services import user_preferences
from albumen.services import users as users_service
from albumen.services.authentication import AuthContext
from albumen.storage import Storage, media_storage

router = APIRouter(prefix="/users", tags=["Users"])


def get_storage(state: State) -> Storage:
    return media_storage(state.settings.media_root)


MediaStorage = Annotated[Storage, Depends(get_storage)]


@router.get("")
async def search_users(
    db: DbSession, state: State, auth: Annotated[AuthContext, authenticated(Permission.USER_READ)]
) -> list[UserResponseDto]:
    return await users_service.search(db, state.settings, auth)


@router.get("/me")
async def get_my_user(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.USER_READ)]
) -> UserAdminResponseDto:
    return await users_service.get_me(db, auth)


@router.put("/me")
async def update_my_user(
    body: UserUpdateMeDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.USER_UPDATE)]
) -> UserAdminResponseDto:
    return await users_service.update_me(db, auth, body)


@router.get("/me/calendar-heatmap")
async def get_my_calendar_heatmap(
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.USER_READ)],
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    kind: Annotated[CalendarHeatmapType, Query(alias="type")] = CalendarHeatmapType.UPLOAD,
) -> CalendarHeatmapResponseDto:
    return await users_service.calendar_heatmap(db, auth.user_id, start=start, end=end, kind=kind)


@router.get("/me/license")
async def get_user_license(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.USER_LICENSE_READ)]
) -> UserLicense:
    return await users_service.get_license(db, auth)


@router.put("/me/license")
async def set_user_license(
    body: LicenseKeyDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.USER_LICENSE_UPDATE)],
) -> UserLicense:
    return await users_service.set_license(db, auth, body)


@router.delete("/me/license", status_code=204)
async def delete_user_license(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.USER_LICENSE_DELETE)]
) -> None:
    await users_service.delete_license(db, auth)


@router.get("/me/onboarding")
async def get_user_onboarding(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.USER_ONBOARDING_READ)]
) -> OnboardingResponseDto:
    return await users_service.get_onboarding(db, auth)


@router.put("/me/onboarding")
async def set_user_onboarding(
    body: OnboardingDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.USER_ONBOARDING_UPDATE)],
) -> OnboardingResponseDto:
    return await users_service.set_onboarding(db, auth, body)


@router.delete("/me/onboarding", status_code=204)
async def delete_user_onboarding(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.USER_ONBOARDING_DELETE)]
) -> None:
    await users_service.delete_onboarding(db, auth)


@router.get("/me/preferences")
async def get_my_preferences(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.USER_PREFERENCE_READ)]
) -> UserPreferencesResponseDto:
    return await user_preferences.get_preferences(db, auth.user_id)


@router.put("/me/preferences")
async def update_my_preferences(
    body: UserPreferencesUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.USER_PREFERENCE_UPDATE)],
) -> UserPreferencesResponseDto:
    return await user_preferences.update_preferences(db, auth.user_id, body)


@router.post("/profile-image", status_code=201)
async def create_profile_image(
    file: Annotated[UploadFile, File()],
    db: DbSession,
    storage: MediaStorage,
    auth: Annotated[AuthContext, authenticated(Permission.USER_PROFILE_IMAGE_UPDATE)],
) -> CreateProfileImageResponseDto:
    return await users_service.create_profile_image(db, storage, auth, await file.read())


@router.delete("/profile-image", status_code=204)
async def delete_profile_image(
    db: DbSession,
    storage: MediaStorage,
    auth: Annotated[AuthContext, authenticated(Permission.USER_PROFILE_IMAGE_DELETE)],
) -> None:
    await users_service.delete_profile_image(db, storage, auth)


@router.get("/{id}")
async def get_user(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.USER_READ)]
) -> UserResponseDto:
    return await users_service.get_user(db, id)


@router.get("/{id}/profile-image", response_class=FileResponse)
async def get_profile_image(
    id: uuid.UUID,
    db: DbSession,
    storage: MediaStorage,
    auth: Annotated[AuthContext, authenticated(Permission.USER_PROFILE_IMAGE_READ)],
) -> FileResponse:
    image = await users_service.get_profile_image(db, storage, id)
    return FileResponse(image.path, media_type=image.media_type)
