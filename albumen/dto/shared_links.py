"""Shared links (Immich 3.2.2 ``shared-link.dto``) and the asset view a link without metadata gets."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import field_validator

from albumen.db.tables import Asset
from albumen.dto.albums import AlbumResponseDto
from albumen.dto.assets import AssetResponseDto
from albumen.dto.base import Dto, OmitNoneDto, RequestDto, Timestamp
from albumen.media.formats import AssetType, mime_type_of


class SharedLinkType(StrEnum):
    ALBUM = "ALBUM"
    INDIVIDUAL = "INDIVIDUAL"


class AssetIdErrorReason(StrEnum):
    DUPLICATE = "duplicate"
    NO_PERMISSION = "no_permission"
    NOT_FOUND = "not_found"


def _empty_to_none(value: str | None) -> str | None:
    """Immich's ``emptyStringToNull``: an empty description, password or slug means none."""
    return value or None


class SharedLinkCreateDto(RequestDto):
    type: SharedLinkType
    assetIds: list[uuid.UUID] | None = None
    albumId: uuid.UUID | None = None
    description: str | None = None
    password: str | None = None
    slug: str | None = None
    expiresAt: datetime | None = None
    allowUpload: bool | None = None
    allowDownload: bool | None = None
    showMetadata: bool | None = None

    _empty = field_validator("description", "password", "slug")(_empty_to_none)


class SharedLinkEditDto(RequestDto):
    """Only the fields sent change (``model_fields_set``)."""

    description: str | None = None
    password: str | None = None
    slug: str | None = None
    expiresAt: datetime | None = None
    allowUpload: bool | None = None
    allowDownload: bool | None = None
    showMetadata: bool | None = None
    #: For clients that can't send ``expiresAt: null``: true without ``expiresAt`` means "never".
    changeExpiryTime: bool | None = None

    _empty = field_validator("description", "password", "slug")(_empty_to_none)


class SharedLinkLoginDto(RequestDto):
    password: str


class AssetIdsDto(RequestDto):
    assetIds: list[uuid.UUID]


class AssetIdsResponseDto(OmitNoneDto):
    omit_when_none = frozenset({"error"})

    assetId: str
    success: bool
    error: AssetIdErrorReason | None = None


class SanitizedAssetResponseDto(Dto):
    """What a link that hides metadata shows of an asset (Immich's ``SanitizedAssetResponseDto``)."""

    id: str
    type: AssetType
    originalMimeType: str
    thumbhash: str | None
    localDateTime: Timestamp
    duration: int | None
    livePhotoVideoId: str | None
    hasMetadata: bool
    width: int | None
    height: int | None


def to_sanitized_asset_dto(asset: Asset) -> SanitizedAssetResponseDto:
    return SanitizedAssetResponseDto(
        id=str(asset.id),
        type=AssetType(asset.type),
        originalMimeType=mime_type_of(asset.original_file_name),
        thumbhash=base64.b64encode(asset.thumbhash).decode() if asset.thumbhash else None,
        localDateTime=asset.local_date_time,
        duration=asset.duration_ms,
        livePhotoVideoId=str(asset.live_photo_video_id) if asset.live_photo_video_id else None,
        hasMetadata=False,
        width=asset.width,
        height=asset.height,
    )


class SharedLinkResponseDto(OmitNoneDto):
    omit_when_none = frozenset({"album"})

    id: str
    description: str | None
    #: Immich sends the link's password back to its owner (the web's edit form shows it).
    password: str | None
    userId: str
    key: str
    type: SharedLinkType
    createdAt: Timestamp
    expiresAt: Timestamp | None
    assets: list[AssetResponseDto | SanitizedAssetResponseDto]
    album: AlbumResponseDto | None = None
    allowUpload: bool
    allowDownload: bool
    showMetadata: bool
    slug: str | None
