"""``AssetFileResponseDto`` (3.2.2): the derived files of an asset (thumbnail, preview, video...)."""

from __future__ import annotations

from enum import StrEnum

from albumen.db.tables import AssetFile
from albumen.dto.base import Dto, Timestamp


class AssetFileType(StrEnum):
    FULLSIZE = "fullsize"
    PREVIEW = "preview"
    THUMBNAIL = "thumbnail"
    SIDECAR = "sidecar"
    ENCODED_VIDEO = "encoded_video"


class AssetFileResponseDto(Dto):
    id: str
    type: AssetFileType
    path: str
    isEdited: bool
    isProgressive: bool
    isTransparent: bool
    createdAt: Timestamp
    updatedAt: Timestamp


def to_asset_file_dto(file: AssetFile) -> AssetFileResponseDto:
    return AssetFileResponseDto(
        id=str(file.id),
        type=AssetFileType(file.type),
        path=file.path,
        isEdited=file.is_edited,
        isProgressive=file.is_progressive,
        isTransparent=file.is_transparent,
        createdAt=file.created_at,
        updatedAt=file.updated_at,
    )
