"""Asset DTOs (``AssetResponseDto`` and friends) and their mapping from rows."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field, PrivateAttr, SerializerFunctionWrapHandler, field_validator, model_serializer

from albumen.db.tables import Asset, AssetExif, User
from albumen.dto.base import Dto, OmitNoneDto, RequestDto, Timestamp
from albumen.dto.users import UserResponseDto, to_user_dto
from albumen.media.formats import AssetType, mime_type_of


class AssetVisibility(StrEnum):
    ARCHIVE = "archive"
    TIMELINE = "timeline"
    HIDDEN = "hidden"
    LOCKED = "locked"


class AssetMediaStatus(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"


class AssetUploadAction(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


class AssetRejectReason(StrEnum):
    DUPLICATE = "duplicate"
    UNSUPPORTED_FORMAT = "unsupported-format"


class ExifResponseDto(Dto):
    make: str | None = None
    model: str | None = None
    exifImageWidth: int | None = None
    exifImageHeight: int | None = None
    fileSizeInByte: int | None = None
    orientation: str | None = None
    dateTimeOriginal: Timestamp | None = None
    modifyDate: Timestamp | None = None
    timeZone: str | None = None
    lensModel: str | None = None
    fNumber: float | None = None
    focalLength: float | None = None
    iso: int | None = None
    exposureTime: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    description: str | None = None
    projectionType: str | None = None
    rating: int | None = None


class AssetStackResponseDto(Dto):
    id: str
    primaryAssetId: str
    assetCount: int


class AssetResponseDto(OmitNoneDto):
    omit_when_none = frozenset({"owner", "exifInfo", "stack", "originalMimeType", "resized"})

    id: str
    ownerId: str
    owner: UserResponseDto | None = None
    libraryId: str | None = None
    type: AssetType
    originalPath: str
    originalFileName: str
    originalMimeType: str | None = None
    thumbhash: str | None
    fileCreatedAt: Timestamp
    fileModifiedAt: Timestamp
    localDateTime: Timestamp
    createdAt: Timestamp
    updatedAt: Timestamp
    isFavorite: bool
    isArchived: bool
    isTrashed: bool
    isOffline: bool
    isEdited: bool
    visibility: AssetVisibility
    #: Immich 3.x: whole milliseconds, null for photos (NOTES.md §3.3).
    duration: int | None
    width: int | None
    height: int | None
    exifInfo: ExifResponseDto | None = None
    livePhotoVideoId: str | None = None
    tags: list[dict[str, Any]] | None = None
    people: list[dict[str, Any]] | None = None
    checksum: str
    stack: AssetStackResponseDto | None = None
    duplicateId: str | None = None
    resized: bool | None = None
    hasMetadata: bool
    #: GET /assets/{id} reports ``stack: null`` for an asset in no stack; lists leave the field out.
    _with_stack: bool = PrivateAttr(False)

    @model_serializer(mode="wrap")
    def _omit_none(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {
            key: value
            for key, value in data.items()
            if value is not None or key not in self.omit_when_none or (key == "stack" and self._with_stack)
        }


class AssetMediaResponseDto(Dto):
    id: str
    status: AssetMediaStatus


class AssetBulkUploadCheckItem(RequestDto):
    id: str
    checksum: str


class AssetBulkUploadCheckDto(RequestDto):
    assets: list[AssetBulkUploadCheckItem] = Field(max_length=5000)


class AssetBulkUploadCheckResult(OmitNoneDto):
    omit_when_none = frozenset({"reason", "assetId", "isTrashed"})

    id: str
    action: AssetUploadAction
    reason: AssetRejectReason | None = None
    assetId: str | None = None
    isTrashed: bool | None = None


class AssetBulkUploadCheckResponseDto(Dto):
    results: list[AssetBulkUploadCheckResult]


def encode_checksum(checksum: bytes) -> str:
    """Checksums go out as base64 SHA-1, as the mobile app compares them."""
    return base64.b64encode(checksum).decode()


def to_exif_dto(exif: AssetExif) -> ExifResponseDto:
    return ExifResponseDto(
        make=exif.make,
        model=exif.model,
        exifImageWidth=exif.exif_image_width,
        exifImageHeight=exif.exif_image_height,
        fileSizeInByte=exif.file_size_in_byte,
        orientation=exif.orientation,
        dateTimeOriginal=exif.date_time_original,
        modifyDate=exif.modify_date,
        timeZone=exif.time_zone,
        lensModel=exif.lens_model,
        fNumber=exif.f_number,
        focalLength=exif.focal_length,
        iso=exif.iso,
        exposureTime=exif.exposure_time,
        latitude=exif.latitude,
        longitude=exif.longitude,
        city=exif.city,
        state=exif.state,
        country=exif.country,
        description=exif.description,
        projectionType=exif.projection_type,
        rating=exif.rating,
    )


def to_asset_dto(
    asset: Asset,
    *,
    exif: AssetExif | None = None,
    owner: User | None = None,
    stack: AssetStackResponseDto | None = None,
    tags: list[dict[str, Any]] | None = None,
    people: list[dict[str, Any]] | None = None,
    with_exif: bool = True,
    with_stack: bool = False,
) -> AssetResponseDto:
    """``with_stack``: report the stack even when there is none (``null``), as Immich's single-asset read."""
    dto = AssetResponseDto(
        id=str(asset.id),
        ownerId=str(asset.owner_id),
        owner=to_user_dto(owner) if owner is not None else None,
        libraryId=str(asset.library_id) if asset.library_id else None,
        type=AssetType(asset.type),
        originalPath=asset.original_path,
        originalFileName=asset.original_file_name,
        originalMimeType=mime_type_of(asset.original_file_name),
        thumbhash=base64.b64encode(asset.thumbhash).decode() if asset.thumbhash else None,
        fileCreatedAt=asset.file_created_at,
        fileModifiedAt=asset.file_modified_at,
        localDateTime=asset.local_date_time,
        createdAt=asset.created_at,
        updatedAt=asset.updated_at,
        isFavorite=asset.is_favorite,
        isArchived=asset.visibility == AssetVisibility.ARCHIVE,
        isTrashed=asset.deleted_at is not None,
        isOffline=asset.is_offline,
        isEdited=asset.is_edited,
        visibility=AssetVisibility(asset.visibility),
        duration=asset.duration_ms,
        width=asset.width,
        height=asset.height,
        exifInfo=to_exif_dto(exif) if exif is not None and with_exif else None,
        livePhotoVideoId=str(asset.live_photo_video_id) if asset.live_photo_video_id else None,
        tags=tags if tags is not None else [],
        people=people if people is not None else [],
        checksum=encode_checksum(asset.checksum),
        stack=stack,
        duplicateId=str(asset.duplicate_id) if asset.duplicate_id else None,
        resized=asset.thumbhash is not None,
        hasMetadata=exif is not None,
    )
    dto._with_stack = with_stack
    return dto


def parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class AssetMediaSize(StrEnum):
    ORIGINAL = "original"
    FULLSIZE = "fullsize"
    PREVIEW = "preview"
    THUMBNAIL = "thumbnail"


class _AssetChanges(RequestDto):
    """Fields ``UpdateAssetDto`` and ``AssetBulkUpdateDto`` share; absent means unchanged."""

    isFavorite: bool | None = None
    visibility: AssetVisibility | None = None
    description: str | None = None
    dateTimeOriginal: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    #: Immich's range: -1 marks a rejected photo, then 0 to 5 stars.
    rating: int | None = Field(default=None, ge=-1, le=5)

    @field_validator("dateTimeOriginal")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None:
            parse_timestamp(value)
        return value


class UpdateAssetDto(_AssetChanges):
    livePhotoVideoId: uuid.UUID | None = None


class AssetBulkUpdateDto(_AssetChanges):
    ids: list[uuid.UUID]
    dateTimeRelative: float | None = None
    timeZone: str | None = None
    duplicateId: uuid.UUID | None = None


class AssetBulkDeleteDto(RequestDto):
    ids: list[uuid.UUID]
    force: bool | None = None


class AssetCopyDto(RequestDto):
    sourceId: uuid.UUID
    targetId: uuid.UUID
    albums: bool = True
    sidecar: bool = True
    sharedLinks: bool = True
    stack: bool = True
    favorite: bool = True


class AssetOcrResponseDto(Dto):
    id: str
    assetId: str
    x1: float
    y1: float
    x2: float
    y2: float
    x3: float
    y3: float
    x4: float
    y4: float
    boxScore: float
    textScore: float
    text: str
