"""Album DTOs (Immich 3.2.2): ``AlbumResponseDto`` has no ``owner``/``ownerId``/``assets`` any more;
the owner is the first entry of ``albumUsers``, with role ``owner`` (NOTES.md §3.1, §3.3)."""

from __future__ import annotations

import uuid
from enum import StrEnum

from pydantic import Field

from albumen.dto.asset_ids import BulkIdErrorReason
from albumen.dto.base import Dto, OmitNoneDto, RequestDto, Timestamp
from albumen.dto.user_preferences import AssetOrder
from albumen.dto.users import UserResponseDto


class AlbumUserRole(StrEnum):
    EDITOR = "editor"
    OWNER = "owner"
    VIEWER = "viewer"


class AlbumUserResponseDto(Dto):
    user: UserResponseDto
    role: AlbumUserRole


class ContributorCountResponseDto(Dto):
    userId: str
    assetCount: int


class AlbumResponseDto(OmitNoneDto):
    """``startDate``/``endDate``/``lastModifiedAssetTimestamp`` are left out for an empty album."""

    omit_when_none = frozenset({"startDate", "endDate", "lastModifiedAssetTimestamp", "contributorCounts"})

    id: str
    albumName: str
    description: str
    createdAt: Timestamp
    updatedAt: Timestamp
    albumThumbnailAssetId: str | None
    shared: bool
    albumUsers: list[AlbumUserResponseDto]
    hasSharedLink: bool
    assetCount: int
    lastModifiedAssetTimestamp: Timestamp | None = None
    startDate: Timestamp | None = None
    endDate: Timestamp | None = None
    isActivityEnabled: bool
    order: AssetOrder
    contributorCounts: list[ContributorCountResponseDto] | None = None


class AlbumUserCreateDto(RequestDto):
    userId: uuid.UUID
    role: AlbumUserRole


class CreateAlbumDto(RequestDto):
    albumName: str
    description: str | None = None
    albumUsers: list[AlbumUserCreateDto] = Field(default_factory=list)
    assetIds: list[uuid.UUID] = Field(default_factory=list)


class UpdateAlbumDto(RequestDto):
    """Only the fields sent change (``model_fields_set``)."""

    albumName: str | None = None
    description: str | None = None
    albumThumbnailAssetId: uuid.UUID | None = None
    isActivityEnabled: bool | None = None
    order: AssetOrder | None = None


class AlbumUserAddDto(RequestDto):
    userId: uuid.UUID
    role: AlbumUserRole = AlbumUserRole.EDITOR


class AddUsersDto(RequestDto):
    albumUsers: list[AlbumUserAddDto] = Field(min_length=1)


class UpdateAlbumUserDto(RequestDto):
    role: AlbumUserRole


class AlbumsAddAssetsDto(RequestDto):
    albumIds: list[uuid.UUID]
    assetIds: list[uuid.UUID]


class AlbumsAddAssetsResponseDto(OmitNoneDto):
    omit_when_none = frozenset({"error"})

    success: bool
    error: BulkIdErrorReason | None = None


class AlbumStatisticsResponseDto(Dto):
    owned: int
    shared: int
    notShared: int


class MapMarkerResponseDto(Dto):
    id: str
    lat: float
    lon: float
    city: str | None
    state: str | None
    country: str | None
