"""The ``Users`` tag: the caller's own account, other users' public profiles, avatars, license, onboarding."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.config import Settings
from albumen.db.repositories.users import UserRepository
from albumen.db.tables import User
from albumen.dto.users import (
    CalendarHeatmapItem,
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
    to_user_admin_dto,
    to_user_dto,
)
from albumen.services.authentication import AuthContext
from albumen.services.crypto import hash_password
from albumen.services.errors import BadRequestError, NotFoundError
from albumen.services.system_config import get_config
from albumen.storage import Storage, StorageFolder, make_key

LICENSE_KEY = "license"
ONBOARDING_KEY = "onboarding"

#: ``ftyp`` brands of HEIC/HEIF still images.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "heic": "image/heic"}


@dataclass(frozen=True)
class StoredFile:
    """A file for the API layer to send."""

    path: Path
    media_type: str


async def find_user_or_fail(db: AsyncSession, user_id: uuid.UUID, *, with_deleted: bool = False) -> User:
    """Immich answers an unknown user id with 400 "User not found"."""
    user = await UserRepository(db).get(user_id, with_deleted=with_deleted)
    if user is None:
        raise BadRequestError("User not found")
    return user


async def admin_view(db: AsyncSession, user: User) -> UserAdminResponseDto:
    """``UserAdminResponseDto`` with the user's stored license."""
    stored = await UserRepository(db).get_metadata(user.id, LICENSE_KEY)
    return to_user_admin_dto(user, license_from_metadata(stored))


def license_from_metadata(stored: dict[str, Any] | None) -> UserLicense | None:
    return None if not stored else UserLicense.model_validate(stored)


async def ensure_email_free(db: AsyncSession, email: str, user_id: uuid.UUID | None) -> None:
    # Deleted users keep their address until purged (the unique index covers them), so they count too.
    duplicate = await UserRepository(db).get_by_email(email, with_deleted=True)
    if duplicate is not None and duplicate.id != user_id:
        raise BadRequestError("Email already in use by another account")


async def get_me(db: AsyncSession, auth: AuthContext) -> UserAdminResponseDto:
    return await admin_view(db, await find_user_or_fail(db, auth.user_id))


async def update_me(db: AsyncSession, auth: AuthContext, update: UserUpdateMeDto) -> UserAdminResponseDto:
    """Change only the caller's own account; a new password clears ``shouldChangePassword``."""
    values: dict[str, Any] = {}
    if update.email:
        await ensure_email_free(db, update.email, auth.user_id)
        values["email"] = update.email
    if update.name is not None:
        values["name"] = update.name
    if "avatarColor" in update.model_fields_set:
        values["avatar_color"] = update.avatarColor.value if update.avatarColor else None
    if update.password:
        values["password"] = await asyncio.to_thread(hash_password, update.password)
        values["should_change_password"] = False
    users = UserRepository(db)
    user = await users.update(auth.user_id, **values) if values else await find_user_or_fail(db, auth.user_id)
    await db.commit()
    return await admin_view(db, user)


async def search(db: AsyncSession, settings: Settings, auth: AuthContext) -> list[UserResponseDto]:
    """Every active user when the admin config's ``server.publicUsers`` is on (or for admins); otherwise
    only the caller."""
    users = UserRepository(db)
    if auth.user.is_admin or (await get_config(db, settings)).server.publicUsers:
        return [to_user_dto(user) for user in await users.list()]
    me = await users.get(auth.user_id)
    return [to_user_dto(me)] if me is not None else []


async def get_user(db: AsyncSession, user_id: uuid.UUID) -> UserResponseDto:
    return to_user_dto(await find_user_or_fail(db, user_id))


def detect_image_type(data: bytes) -> str | None:
    """The extension for JPEG, PNG, WebP or HEIC/HEIF content, judged by its leading bytes."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "heic"
    return None


async def create_profile_image(
    db: AsyncSession, storage: Storage, auth: AuthContext, data: bytes
) -> CreateProfileImageResponseDto:
    """Store a new avatar under ``profile/<userId>/`` with a name of our choosing, then drop the old one.

    The client's file name is never used, so it cannot steer where the file lands.
    """
    extension = detect_image_type(data)
    if extension is None:
        raise BadRequestError("Invalid file type: only JPEG, PNG, WebP and HEIC images are accepted")
    user = await find_user_or_fail(db, auth.user_id)
    old_key = user.profile_image_path
    key = make_key(StorageFolder.PROFILE, str(user.id), f"{uuid.uuid4()}.{extension}")
    await storage.write(key, data)
    try:
        user = await UserRepository(db).update(
            user.id, profile_image_path=key, profile_changed_at=datetime.now(UTC)
        )
        await db.commit()
    except BaseException:
        await storage.delete(key)
        raise
    if old_key:
        await _delete_quietly(storage, old_key)
    return CreateProfileImageResponseDto(
        userId=str(user.id),
        profileImagePath=user.profile_image_path,
        profileChangedAt=user.profile_changed_at,
    )


async def delete_profile_image(db: AsyncSession, storage: Storage, auth: AuthContext) -> None:
    user = await find_user_or_fail(db, auth.user_id)
    if not user.profile_image_path:
        raise BadRequestError("Can't delete a missing profile Image")
    old_key = user.profile_image_path
    await UserRepository(db).update(user.id, profile_image_path="", profile_changed_at=datetime.now(UTC))
    await db.commit()
    await _delete_quietly(storage, old_key)


async def get_profile_image(db: AsyncSession, storage: Storage, user_id: uuid.UUID) -> StoredFile:
    user = await find_user_or_fail(db, user_id)
    if not user.profile_image_path:
        raise NotFoundError("User does not have a profile image")
    try:
        path = storage.local_path(user.profile_image_path)
    except ValueError as error:
        raise NotFoundError("User does not have a profile image") from error
    if not await storage.exists(user.profile_image_path):
        raise NotFoundError("User does not have a profile image")
    extension = path.suffix.removeprefix(".").lower()
    return StoredFile(path=path, media_type=MEDIA_TYPES.get(extension, "image/jpeg"))


async def _delete_quietly(storage: Storage, key: str) -> None:
    # A stale or foreign path must not fail the request that replaced it.
    with contextlib.suppress(OSError, ValueError):
        await storage.delete(key)


async def get_license(db: AsyncSession, auth: AuthContext) -> UserLicense:
    license = license_from_metadata(await UserRepository(db).get_metadata(auth.user_id, LICENSE_KEY))
    if license is None:
        raise NotFoundError("Not Found")
    return license


async def set_license(db: AsyncSession, auth: AuthContext, key: LicenseKeyDto) -> UserLicense:
    """Stores the key as sent: Albumen does not verify Immich's license signatures."""
    license = UserLicense(
        licenseKey=key.licenseKey, activationKey=key.activationKey, activatedAt=datetime.now(UTC)
    )
    await UserRepository(db).set_metadata(auth.user_id, LICENSE_KEY, license.model_dump(mode="json"))
    await db.commit()
    return license


async def delete_license(db: AsyncSession, auth: AuthContext) -> None:
    await UserRepository(db).delete_metadata(auth.user_id, LICENSE_KEY)
    await db.commit()


async def get_onboarding(db: AsyncSession, auth: AuthContext) -> OnboardingResponseDto:
    stored = await UserRepository(db).get_metadata(auth.user_id, ONBOARDING_KEY)
    return OnboardingResponseDto(isOnboarded=bool(stored and stored.get("isOnboarded")))


async def set_onboarding(
    db: AsyncSession, auth: AuthContext, onboarding: OnboardingDto
) -> OnboardingResponseDto:
    await UserRepository(db).set_metadata(
        auth.user_id, ONBOARDING_KEY, {"isOnboarded": onboarding.isOnboarded}
    )
    await db.commit()
    return OnboardingResponseDto(isOnboarded=onboarding.isOnboarded)


async def delete_onboarding(db: AsyncSession, auth: AuthContext) -> None:
    await UserRepository(db).delete_metadata(auth.user_id, ONBOARDING_KEY)
    await db.commit()


async def calendar_heatmap(
    db: AsyncSession,
    user_id: uuid.UUID,
    *,
    start: date | None,
    end: date | None,
    kind: CalendarHeatmapType,
    today: date | None = None,
) -> CalendarHeatmapResponseDto:
    """Assets per UTC day; by default the 52 weeks ending today, as Immich's web heatmap asks."""
    last = end or today or datetime.now(UTC).date()
    first = start or last - timedelta(weeks=52) + timedelta(days=1)
    if first > last:
        raise BadRequestError("from must be before to")
    counts = await UserRepository(db).daily_asset_counts(
        user_id,
        taken=kind is CalendarHeatmapType.TAKEN,
        start=datetime.combine(first, time(), UTC),
        end=datetime.combine(last + timedelta(days=1), time(), UTC),
    )
    series = [
        CalendarHeatmapItem(date=day.isoformat(), count=counts.get(day, 0))
        for day in (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    ]
    return CalendarHeatmapResponseDto(
        from_=first.isoformat(),
        to=last.isoformat(),
        series=series,
        totalCount=sum(item.count for item in series),
    )
