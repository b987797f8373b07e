"""Stack DTOs: a group of assets shown as one, headed by its primary asset."""

from __future__ import annotations

import uuid

from pydantic import Field

from albumen.dto.assets import AssetResponseDto
from albumen.dto.base import Dto, RequestDto


class StackCreateDto(RequestDto):
    #: The first id becomes the primary asset.
    assetIds: list[uuid.UUID] = Field(min_length=2)


class StackUpdateDto(RequestDto):
    primaryAssetId: uuid.UUID | None = None


class StackResponseDto(Dto):
    id: str
    primaryAssetId: str
    assets: list[AssetResponseDto]
