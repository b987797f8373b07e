"""The ``Users (admin)`` tag: create, change, delete (with Immich's delayed purge) and restore users."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.sessions import SessionRepository
from albumen.db.repositories.users import UserRepository
from albumen.dto.sessions import SessionResponseDto, to_session_dto
from albumen.dto.user_preferences import UserPreferencesResponseDto, UserPreferencesUpdateDto
from albumen.dto.users import (
    AssetStatsResponseDto,
    CalendarHeatmapResponseDto,
    CalendarHeatmapType,
    UserAdminCreateDto,
    UserAdminDeleteDto,
    UserAdminResponseDto,
    UserAdminUpdateDto,
    to_user_admin_dto,
)
from albumen.services import events, user_preferences
from albumen.services.authentication import AuthContext
from albumen.services.crypto import hash_password
from albumen.services.errors import BadRequestError, ForbiddenError
from albumen.services.users import (
    LICENSE_KEY,
    admin_view,
    calendar_heatmap,
    ensure_email_free,
    find_user_or_fail,
    license_from_metadata,
)
from albumen.storage import USER_FOLDERS, Storage, StorageFolder

#: Immich's ``user.deleteDelay`` default, in days.
DEFAULT_DELETE_DELAY_DAYS = 7

_UNSAFE_LABEL_CHARACTERS = re.compile(r'[/\\?<>:*|"\x00-\x1f\x80-\x9f.]')


def sanitize_storage_label(label: str | None) -> str | None:
    """A storage label names a folder under ``library/``: strip dots and path characters, as Immich."""
    if label is None:
        return None
    cleaned = _UNSAFE_LABEL_CHARACTERS.sub("", label).strip()
    return cleaned or None


async def _ensure_storage_label_free(db: AsyncSession, label: str | None, user_id: uuid.UUID | None) -> None:
    if label is None:
        return
    duplicate = await UserRepository(db).get_by_storage_label(label)
    if duplicate is not None and duplicate.id != user_id:
        raise BadRequestError("Storage label already in use by another account")


async def search(
    db: AsyncSession, *, with_deleted: bool = False, user_id: uuid.UUID | None = None
) -> list[UserAdminResponseDto]:
    users = UserRepository(db)
    found = await users.list(with_deleted=with_deleted, user_id=user_id)
    licenses = await users.get_metadata_for_users([user.id for user in found], LICENSE_KEY)
    return [to_user_admin_dto(user, license_from_metadata(licenses.get(user.id))) for user in found]


async def create(db: AsyncSession, dto: UserAdminCreateDto) -> UserAdminResponseDto:
    """A new user; emails are unique without regard to case (deleted users' included)."""
    users = UserRepository(db)
    if await users.get_by_email(dto.email, with_deleted=True) is not None:
        raise BadRequestError("User exists")
    if not dto.password:
        raise BadRequestError("password is required")
    storage_label = sanitize_storage_label(dto.storageLabel)
    await _ensure_storage_label_free(db, storage_label, None)
    values: dict[str, Any] = {
        "email": dto.email,
        "name": dto.name,
        "password": await asyncio.to_thread(hash_password, dto.password),
        "is_admin": bool(dto.isAdmin),
        "storage_label": storage_label,
        "quota_size_in_bytes": dto.quotaSizeInBytes,
        "avatar_color": dto.avatarColor.value if dto.avatarColor else None,
        "pin_code": await asyncio.to_thread(hash_password, dto.pinCode) if dto.pinCode else None,
    }
    if dto.shouldChangePassword is not None:
        values["should_change_password"] = dto.shouldChangePassword
    user = await users.create(**values)
    await db.commit()
    return to_user_admin_dto(user)


async def get(db: AsyncSession, user_id: uuid.UUID) -> UserAdminResponseDto:
    return await admin_view(db, await find_user_or_fail(db, user_id, with_deleted=True))


async def update(
    db: AsyncSession, auth: AuthContext, user_id: uuid.UUID, dto: UserAdminUpdateDto
) -> UserAdminResponseDto:
    user = await find_user_or_fail(db, user_id)
    sent = dto.model_fields_set
    if dto.isAdmin is not None and dto.isAdmin != auth.user.is_admin and auth.user_id == user_id:
        raise BadRequestError("Admin status can only be changed by another admin")
    values: dict[str, Any] = {}
    if dto.email:
        await ensure_email_free(db, dto.email, user_id)
        values["email"] = dto.email
    if "storageLabel" in sent:
        label = sanitize_storage_label(dto.storageLabel)
        await _ensure_storage_label_free(db, label, user_id)
        values["storage_label"] = label
    if dto.name is not None:
        values["name"] = dto.name
    if dto.password:
        values["password"] = await asyncio.to_thread(hash_password, dto.password)
    if "pinCode" in sent:
        values["pin_code"] = await asyncio.to_thread(hash_password, dto.pinCode) if dto.pinCode else None
    if "avatarColor" in sent:
        values["avatar_color"] = dto.avatarColor.value if dto.avatarColor else None
    if "quotaSizeInBytes" in sent:
        values["quota_size_in_bytes"] = dto.quotaSizeInBytes
    if dto.isAdmin is not None:
        values["is_admin"] = dto.isAdmin
    if dto.shouldChangePassword is not None:
        values["should_change_password"] = dto.shouldChangePassword
    if values:
        user = await UserRepository(db).update(user_id, **values)
        await db.commit()
    return await admin_view(db, user)


async def delete(
    db: AsyncSession,
    auth: AuthContext,
    user_id: uuid.UUID,
    dto: UserAdminDeleteDto,
) -> UserAdminResponseDto:
    """Immich's soft delete: the user is locked out at once and purged after ``user.deleteDelay`` days.

    ``force`` marks the user ``removing`` so the next purge removes them without waiting.
    """
    await find_user_or_fail(db, user_id)
    if auth.user_id == user_id:
        raise ForbiddenError("Cannot delete your own account")
    status = "removing" if dto.force else "deleted"
    user = await UserRepository(db).update(user_id, status=status, deleted_at=datetime.now(UTC))
    await db.commit()
    return await admin_view(db, user)


async def restore(db: AsyncSession, user_id: uuid.UUID) -> UserAdminResponseDto:
    await find_user_or_fail(db, user_id, with_deleted=True)
    user = await UserRepository(db).update(user_id, status="active", deleted_at=None)
    await db.commit()
    return await admin_view(db, user)


async def purge_deleted_users(
    db: AsyncSession,
    now: datetime,
    delete_delay_days: int = DEFAULT_DELETE_DELAY_DAYS,
    *,
    storage: Storage | None = None,
) -> list[uuid.UUID]:
    """Hard-delete users deleted more than ``delete_delay_days`` ago (and force-deleted ones).

    Their rows go (assets, albums, sessions and keys follow by cascade) and, given ``storage``, their
    folders under the media root. Returns the purged ids. Meant for the nightly ``UserDeleteCheck`` job.
    """
    users = UserRepository(db)
    purged = []
    for user in await users.list_ready_for_purge(now - timedelta(days=delete_delay_days)):
        if storage is not None:
            for folder in USER_FOLDERS:
                name = str(user.id)
                if folder is StorageFolder.LIBRARY and user.storage_label:
                    name = user.storage_label
                await storage.delete_folder(folder, name)
        await users.delete(user.id)
        await events.broadcast(db, "on_user_delete", user.id)
        await db.commit()
        purged.append(user.id)
    return purged


async def sessions(db: AsyncSession, user_id: uuid.UUID) -> list[SessionResponseDto]:
    return [to_session_dto(session) for session in await SessionRepository(db).list_for_user(user_id)]


async def statistics(
    db: AsyncSession,
    user_id: uuid.UUID,
    *,
    is_favorite: bool | None,
    is_trashed: bool | None,
    visibility: str | None,
) -> AssetStatsResponseDto:
    counts = await UserRepository(db).asset_counts(
        user_id, is_favorite=is_favorite, is_trashed=is_trashed, visibility=visibility
    )
    return AssetStatsResponseDto(images=counts.images, videos=counts.videos, total=counts.total)


async def get_preferences(db: AsyncSession, user_id: uuid.UUID) -> UserPreferencesResponseDto:
    await find_user_or_fail(db, user_id, with_deleted=True)
    return await user_preferences.get_preferences(db, user_id)


async def update_preferences(
    db: AsyncSession, user_id: uuid.UUID, dto: UserPreferencesUpdateDto
) -> UserPreferencesResponseDto:
    await find_user_or_fail(db, user_id)
    return await user_preferences.update_preferences(db, user_id, dto)


async def user_calendar_heatmap(
    db: AsyncSession, user_id: uuid.UUID, *, start: date | None, end: date | None, kind: CalendarHeatmapType
) -> CalendarHeatmapResponseDto:
    await find_user_or_fail(db, user_id, with_deleted=True)
    return await calendar_heatmap(db, user_id, start=start, end=end, kind=kind)
