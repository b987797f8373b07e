"""``UserPreferencesResponseDto`` / ``UserPreferencesUpdateDto`` and their sections (Immich 3.2.2)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from albumen.dto.base import Dto, RequestDto
from albumen.dto.users import UserAvatarColor

MAX_SAFE_INTEGER = 9007199254740991


class AssetOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"


class AlbumsResponse(Dto):
    defaultAssetOrder: AssetOrder


class CastResponse(Dto):
    gCastEnabled: bool


class DownloadResponse(Dto):
    archiveSize: int
    includeEmbeddedVideos: bool


class EmailNotificationsResponse(Dto):
    albumInvite: bool
    albumUpdate: bool
    enabled: bool


class FoldersResponse(Dto):
    enabled: bool
    sidebarWeb: bool


class MemoriesResponse(Dto):
    duration: int
    enabled: bool
    sidebarWeb: bool


class PeopleResponse(Dto):
    enabled: bool
    minimumFaces: int | None = None
    sidebarWeb: bool


class PurchaseResponse(Dto):
    hideBuyButtonUntil: str
    showSupportBadge: bool


class RatingsResponse(Dto):
    enabled: bool


class RecentlyAddedResponse(Dto):
    sidebarWeb: bool


class SharedLinksResponse(Dto):
    enabled: bool
    sidebarWeb: bool


class TagsResponse(Dto):
    enabled: bool
    sidebarWeb: bool


class UserPreferencesResponseDto(Dto):
    albums: AlbumsResponse
    cast: CastResponse
    download: DownloadResponse
    emailNotifications: EmailNotificationsResponse
    folders: FoldersResponse
    memories: MemoriesResponse
    people: PeopleResponse
    purchase: PurchaseResponse
    ratings: RatingsResponse
    recentlyAdded: RecentlyAddedResponse
    sharedLinks: SharedLinksResponse
    tags: TagsResponse


# Update sections: every field optional; an explicit null counts as "not given".


class AlbumsUpdate(RequestDto):
    defaultAssetOrder: AssetOrder | None = None


class AvatarUpdate(RequestDto):
    color: UserAvatarColor | None = None


class CastUpdate(RequestDto):
    gCastEnabled: bool | None = None


class DownloadUpdate(RequestDto):
    archiveSize: int | None = Field(None, ge=1, le=MAX_SAFE_INTEGER)
    includeEmbeddedVideos: bool | None = None


class EmailNotificationsUpdate(RequestDto):
    albumInvite: bool | None = None
    albumUpdate: bool | None = None
    enabled: bool | None = None


class FoldersUpdate(RequestDto):
    enabled: bool | None = None
    sidebarWeb: bool | None = None


class MemoriesUpdate(RequestDto):
    duration: int | None = Field(None, ge=1, le=MAX_SAFE_INTEGER)
    enabled: bool | None = None
    sidebarWeb: bool | None = None


class PeopleUpdate(RequestDto):
    enabled: bool | None = None
    minimumFaces: int | None = Field(None, ge=1, le=MAX_SAFE_INTEGER)
    sidebarWeb: bool | None = None


class PurchaseUpdate(RequestDto):
    hideBuyButtonUntil: str | None = None
    showSupportBadge: bool | None = None


class RatingsUpdate(RequestDto):
    enabled: bool | None = None


class RecentlyAddedUpdate(RequestDto):
    sidebarWeb: bool | None = None


class SharedLinksUpdate(RequestDto):
    enabled: bool | None = None
    sidebarWeb: bool | None = None


class TagsUpdate(RequestDto):
    enabled: bool | None = None
    sidebarWeb: bool | None = None


class UserPreferencesUpdateDto(RequestDto):
    albums: AlbumsUpdate | None = None
    avatar: AvatarUpdate | None = None
    cast: CastUpdate | None = None
    download: DownloadUpdate | None = None
    emailNotifications: EmailNotificationsUpdate | None = None
    folders: FoldersUpdate | None = None
    memories: MemoriesUpdate | None = None
    people: PeopleUpdate | None = None
    purchase: PurchaseUpdate | None = None
    ratings: RatingsUpdate | None = None
    recentlyAdded: RecentlyAddedUpdate | None = None
    sharedLinks: SharedLinksUpdate | None = None
    tags: TagsUpdate | None = None
