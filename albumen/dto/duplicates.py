"""The ``Duplicates`` tag's DTOs (3.2.2): groups of look-alike assets and how to resolve them."""

from __future__ import annotations

import uuid

from albumen.dto.assets import AssetResponseDto
from albumen.dto.base import Dto, RequestDto


class DuplicateResponseDto(Dto):
    duplicateId: str
    assets: list[AssetResponseDto]
    suggestedKeepAssetIds: list[str]


class DuplicateResolveGroupDto(RequestDto):
    duplicateId: uuid.UUID
    keepAssetIds: list[uuid.UUID]
    trashAssetIds: list[uuid.UUID]


class DuplicateResolveDto(RequestDto):
    groups: list[DuplicateResolveGroupDto]
