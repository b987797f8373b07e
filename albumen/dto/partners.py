"""Partner DTOs: sharing a whole library with another user."""

from __future__ import annotations

import uuid
from enum import StrEnum

from albumen.dto.base import RequestDto
from albumen.dto.users import UserResponseDto


class PartnerDirection(StrEnum):
    SHARED_BY = "shared-by"
    SHARED_WITH = "shared-with"


class PartnerCreateDto(RequestDto):
    sharedWithId: uuid.UUID


class PartnerUpdateDto(RequestDto):
    inTimeline: bool


class PartnerResponseDto(UserResponseDto):
    """The other user of the share; ``inTimeline`` is whether the one shared with shows it in theirs."""

    inTimeline: bool | None = None
