"""Likes and comments on shared albums (Immich 3.2.2 ``activity.dto``)."""

from __future__ import annotations

import uuid
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from albumen.dto.base import Dto, OmitNoneDto, RequestDto, Timestamp
from albumen.dto.users import UserResponseDto


class ReactionType(StrEnum):
    COMMENT = "comment"
    LIKE = "like"


class ReactionLevel(StrEnum):
    ALBUM = "album"
    ASSET = "asset"


class ActivityCreateDto(RequestDto):
    albumId: uuid.UUID
    assetId: uuid.UUID | None = None
    type: ReactionType
    comment: str | None = Field(default=None, validate_default=True)

    @field_validator("comment")
    @classmethod
    def _comment_matches_type(cls, comment: str | None, info: ValidationInfo) -> str | None:
        """Immich's rules and messages: a comment needs text, a like has none."""
        kind = info.data.get("type")
        if kind is ReactionType.COMMENT and not (comment and comment.strip()):
            raise PydanticCustomError("custom", "Comment is required when type is COMMENT")
        if kind is ReactionType.LIKE and comment:
            raise PydanticCustomError("custom", "Comment must not be provided when type is not COMMENT")
        return comment


class ActivityResponseDto(OmitNoneDto):
    omit_when_none = frozenset({"comment"})

    id: str
    createdAt: Timestamp
    user: UserResponseDto
    assetId: str | None
    type: ReactionType
    comment: str | None = None


class ActivityStatisticsResponseDto(Dto):
    comments: int
    likes: int
