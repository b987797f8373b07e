"""The ``Users (admin)`` tag: ``/api/admin/users``."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Query

from albumen.api.deps import DbSession, authenticated
from albumen.dto.assets import AssetVisibility
from albumen.dto.sessions import SessionResponseDto
from albumen.dto.user_preferences import UserPreferencesResponseDto, UserPreferencesUpdateDto
from albumen.dto.users import (
    AssetStatsResponseDto,
    CalendarHeatmapResponseDto,
    CalendarHeatmapType,
    UserAdminCreateDto,
    UserAdminDeleteDto,
    UserAdminResponseDto,
    UserAdminUpdateDto,
)
from albumen.permissions import Permission
from albumen.services import users_admin
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/admin/users", tags=["Users (admin)"])


def admin(permission: Permission) -> object:
    """Every route here is admin-only, with the operation's own permission for API keys."""
    return authenticated(permission, admin=True)


@router.get("")
async def search_users_admin(
    db: DbSession,
    auth: Annotated[AuthContext, admin(Permission.ADMIN_USER_READ)],
    id: uuid.UUID | None = None,
    with_deleted: Annotated[bool | None, Query(alias="withDeleted")] = None,
) -> list[UserAdminResponseDto]:
    return await users_admin.search(db, with_deleted=bool(with_deleted), user_id=id)


@router.post("", status_code=201)
async def create_user_admin(
    body: UserAdminCreateDto, db: DbSession, auth: Annotated[AuthContext, admin(Permission.ADMIN_USER_CREATE)]
) -> UserAdminResponseDto:
    return await users_admin.create(db, body)


@router.get("/{id}")
async def get_user_admin(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, admin(Permission.ADMIN_USER_READ)]
) -> UserAdminResponseDto:
    return await users_admin.get(db, id)


@router.put("/{id}")
async def update_user_admin(
    id: uuid.UUID,
    body: UserAdminUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, admin(Permission.ADMIN_USER_UPDATE)],
) -> UserAdminResponseDto:
    return await users_admin.update(db, auth, id, body)


@router.delete("/{id}")
async def delete_user_admin(
    id: uuid.UUID,
    db: DbSession,
    auth: Annotated[AuthContext, admin(Permission.ADMIN_USER_DELETE)],
    body: Annotated[UserAdminDeleteDto | None, Body()] = None,
) -> UserAdminResponseDto:
    return await users_admin.delete(db, auth, id, body or UserAdminDeleteDto())


# Immich 3.1.0's spec marks this one ``user.read`` without admin-only; later Immich (and every other
# route here) requires an admin with ``adminUser.read``, which is what is enforced.
@router.get("/{id}/calendar-heatmap")
async def get_user_calendar_heatmap_admin(
    id: uuid.UUID,
    db: DbSession,
    auth: Annotated[AuthContext, admin(Permission.ADMIN_USER_READ)],
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    kind: Annotated[CalendarHeatmapType, Query(alias="type")] = CalendarHeatmapType.UPLOAD,
) -> CalendarHeatmapResponseDto:
    return await users_admin.user_calendar_heatmap(db, id, start=start, end=end, kind=kind)


@router.get("/{id}/preferences")
async def get_user_preferences_admin(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, admin(Permission.ADMIN_USER_READ)]
) -> UserPreferencesResponseDto:
    return await users_admin.get_preferences(db, id)


@router.put("/{id}/preferences")
async def update_user_preferences_admin(
    id: uuid.UUID,
    body: UserPreferencesUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, admin(Permission.ADMIN_USER_UPDATE)],
) -> UserPreferencesResponseDto:
    return await users_admin.update_preferences(db, id, body)


@router.post("/{id}/restore")
async def restore_user_admin(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, admin(Permission.ADMIN_USER_DELETE)]
) -> UserAdminResponseDto:
    return await users_admin.restore(db, id)


@router.get("/{id}/sessions")
async def get_user_sessions_admin(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, admin(Permission.ADMIN_SESSION_READ)]
) -> list[SessionResponseDto]:
    return await users_admin.sessions(db, id)


@router.get("/{id}/statistics")
async def get_user_statistics_admin(
    id: uuid.UUID,
    db: DbSession,
    auth: Annotated[AuthContext, admin(Permission.ADMIN_USER_READ)],
    is_favorite: Annotated[bool | None, Query(alias="isFavorite")] = None,
    is_trashed: Annotated[bool | None, Query(alias="isTrashed")] = None,
    visibility: AssetVisibility | None = None,
) -> AssetStatsResponseDto:
    return await users_admin.statistics(
        db,
        id,
        is_favorite=is_favorite,
        is_trashed=is_trashed,
        visibility=visibility.value if visibility else None,
    )
