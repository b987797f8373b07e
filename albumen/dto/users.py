"""User DTOs (``UserResponseDto``, ``UserAdminResponseDto``) and their mapping from ``user`` rows."""

from __future__ import annotations

import hashlib
import uuid
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from albumen.db.tables import User
from albumen.dto.auth import Email, PinCode
from albumen.dto.base import Dto, RequestDto, Timestamp

MAX_SAFE_INTEGER = 9007199254740991

QuotaBytes = Annotated[int, Field(ge=0, le=MAX_SAFE_INTEGER)]


class UserAvatarColor(StrEnum):
    PRIMARY = "primary"
    PINK = "pink"
    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"
    GREEN = "green"
    PURPLE = "purple"
    ORANGE = "orange"
    GRAY = "gray"
    AMBER = "amber"


class UserStatus(StrEnum):
    ACTIVE = "active"
    REMOVING = "removing"
    DELETED = "deleted"


class UserLicense(Dto):
    activatedAt: Timestamp
    activationKey: str
    licenseKey: str


class UserResponseDto(Dto):
    id: str
    email: str
    name: str
    profileImagePath: str
    avatarColor: UserAvatarColor
    profileChangedAt: Timestamp


class UserAdminResponseDto(UserResponseDto):
    storageLabel: str | None
    shouldChangePassword: bool
    isAdmin: bool
    createdAt: Timestamp
    deletedAt: Timestamp | None
    updatedAt: Timestamp
    oauthId: str
    quotaSizeInBytes: int | None
    quotaUsageInBytes: int | None
    status: UserStatus
    license: UserLicense | None
    clusterGroupId: str


class UserUpdateMeDto(RequestDto):
    """Fields left out stay as they are; ``avatarColor: null`` goes back to the derived colour."""

    avatarColor: UserAvatarColor | None = None
    email: Email | None = None
    name: str | None = None
    password: str | None = None


class UserAdminCreateDto(RequestDto):
    email: Email
    name: str
    password: str
    avatarColor: UserAvatarColor | None = None
    isAdmin: bool | None = None
    notify: bool | None = None
    pinCode: PinCode | None = None
    quotaSizeInBytes: QuotaBytes | None = None
    shouldChangePassword: bool | None = None
    storageLabel: str | None = None


class UserAdminUpdateDto(RequestDto):
    """Only the fields sent are changed (``model_fields_set``); nullable ones may be cleared."""

    avatarColor: UserAvatarColor | None = None
    email: Email | None = None
    isAdmin: bool | None = None
    name: str | None = None
    password: str | None = None
    pinCode: PinCode | None = None
    quotaSizeInBytes: QuotaBytes | None = None
    shouldChangePassword: bool | None = None
    storageLabel: str | None = None


class UserAdminDeleteDto(RequestDto):
    force: bool | None = None


class LicenseKeyDto(RequestDto):
    activationKey: str
    licenseKey: str = Field(pattern=r"^IM(SV|CL)(-[\dA-Za-z]{4}){8}$")


class OnboardingDto(RequestDto):
    isOnboarded: bool


class OnboardingResponseDto(Dto):
    isOnboarded: bool


class CreateProfileImageResponseDto(Dto):
    userId: str
    profileImagePath: str
    profileChangedAt: Timestamp


class CalendarHeatmapType(StrEnum):
    UPLOAD = "Upload"
    TAKEN = "Taken"


class CalendarHeatmapItem(Dto):
    date: str
    count: int


class CalendarHeatmapResponseDto(Dto):
    """Dates are ``YYYY-MM-DD`` in UTC; ``series`` has one entry per day from ``from`` to ``to``."""

    from_: str = Field(alias="from")
    to: str
    series: list[CalendarHeatmapItem]
    totalCount: int


class AssetStatsResponseDto(Dto):
    images: int
    videos: int
    total: int


def avatar_color(user: User) -> UserAvatarColor:
    """A stable colour for users who never picked one, derived from the email like Immich does."""
    if user.avatar_color:
        return UserAvatarColor(user.avatar_color)
    colors = list(UserAvatarColor)
    digest = hashlib.sha1(user.email.lower().encode()).digest()
    return colors[digest[0] % len(colors)]


# Immich 3.2 puts every user in a cluster group (``user.clusterGroupId`` is NOT NULL; a new user
# gets a group of their own). Albumen has no shared face clustering, so each user is alone in a
# group whose id is derived from the user's id: stable, unique, and a UUID like Immich's.
CLUSTER_GROUP_NAMESPACE = uuid.UUID("5d0c3f7e-2b8a-4a8e-9f1c-6c1b7a0e4c21")


def cluster_group_id(user_id: object) -> str:
    """The id of the user's own cluster group (Albumen's users never share one). Shaped as a version-4
    UUID, as Immich's are: generated clients (immichpy) validate the version digit."""
    derived = uuid.uuid5(CLUSTER_GROUP_NAMESPACE, str(user_id))
    return str(uuid.UUID(bytes=derived.bytes, version=4))


def to_user_dto(user: User) -> UserResponseDto:
    return UserResponseDto(
        id=str(user.id),
        email=user.email,
        name=user.name,
        profileImagePath=user.profile_image_path,
        avatarColor=avatar_color(user),
        profileChangedAt=user.profile_changed_at,
    )


def to_user_admin_dto(user: User, license: UserLicense | None = None) -> UserAdminResponseDto:
    return UserAdminResponseDto(
        **to_user_dto(user).model_dump(),
        storageLabel=user.storage_label,
        shouldChangePassword=user.should_change_password,
        isAdmin=user.is_admin,
        createdAt=user.created_at,
        deletedAt=user.deleted_at,
        updatedAt=user.updated_at,
        oauthId=user.oauth_id,
        quotaSizeInBytes=user.quota_size_in_bytes,
        quotaUsageInBytes=user.quota_usage_in_bytes,
        status=UserStatus(user.status),
        license=license,
        clusterGroupId=cluster_group_id(user.id),
    )
