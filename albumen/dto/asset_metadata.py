"""Free-form key/value metadata on assets (``AssetMetadata*Dto``), e.g. the iOS app's ``mobile-app`` entry."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import Field

from albumen.db.tables import AssetMetadata
from albumen.dto.base import Dto, RequestDto, Timestamp


class AssetMetadataUpsertItemDto(RequestDto):
    key: str = Field(min_length=1)
    value: dict[str, Any]


class AssetMetadataUpsertDto(RequestDto):
    items: list[AssetMetadataUpsertItemDto]


class AssetMetadataBulkUpsertItemDto(AssetMetadataUpsertItemDto):
    assetId: uuid.UUID


class AssetMetadataBulkUpsertDto(RequestDto):
    items: list[AssetMetadataBulkUpsertItemDto]


class AssetMetadataBulkDeleteItemDto(RequestDto):
    assetId: uuid.UUID
    key: str = Field(min_length=1)


class AssetMetadataBulkDeleteDto(RequestDto):
    items: list[AssetMetadataBulkDeleteItemDto]


class AssetMetadataResponseDto(Dto):
    key: str
    value: dict[str, Any]
    updatedAt: Timestamp


class AssetMetadataBulkResponseDto(AssetMetadataResponseDto):
    assetId: str


def to_metadata_dto(row: AssetMetadata) -> AssetMetadataResponseDto:
    return AssetMetadataResponseDto(key=row.key, value=row.value, updatedAt=row.updated_at)


def to_bulk_metadata_dto(row: AssetMetadata) -> AssetMetadataBulkResponseDto:
    return AssetMetadataBulkResponseDto(
        assetId=str(row.asset_id), key=row.key, value=row.value, updatedAt=row.updated_at
    )
