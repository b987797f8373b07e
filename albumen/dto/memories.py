"""``Memories`` DTOs: "on this day" memories, their search and statistics."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from albumen.dto.assets import AssetResponseDto
from albumen.dto.base import Dto, OmitNoneDto, RequestDto, Timestamp


class MemoryType(StrEnum):
    ON_THIS_DAY = "on_this_day"


class MemorySearchOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"
    RANDOM = "random"


class OnThisDayDto(Dto):
    year: Annotated[int, Field(ge=1)]


class MemoryResponseDto(OmitNoneDto):
    omit_when_none = frozenset({"deletedAt", "hideAt", "seenAt", "showAt"})

    id: str
    createdAt: Timestamp
    updatedAt: Timestamp
    deletedAt: Timestamp | None = None
    memoryAt: Timestamp
    seenAt: Timestamp | None = None
    showAt: Timestamp | None = None
    hideAt: Timestamp | None = None
    ownerId: str
    type: MemoryType
    data: OnThisDayDto
    isSaved: bool
    assets: list[AssetResponseDto]


class MemorySearchDto(RequestDto):
    for_: datetime | None = Field(default=None, alias="for")
    id: uuid.UUID | None = None
    isSaved: bool | None = None
    isTrashed: bool | None = None
    isUpcoming: bool | None = None
    order: MemorySearchOrder | None = None
    page: Annotated[int, Field(ge=1)] | None = None
    size: Annotated[int, Field(ge=1)] | None = None
    type: MemoryType | None = None


class MemoryCreateDto(RequestDto):
    type: MemoryType
    data: OnThisDayDto
    memoryAt: datetime
    assetIds: list[uuid.UUID] = []
    isSaved: bool | None = None
    seenAt: datetime | None = None
    showAt: datetime | None = None
    hideAt: datetime | None = None


class MemoryUpdateDto(RequestDto):
    isSaved: bool | None = None
    memoryAt: datetime | None = None
    seenAt: datetime | None = None


class MemoryStatisticsResponseDto(Dto):
    total: int
