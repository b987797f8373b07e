"""Tag DTOs. A tag's ``value`` is its full path (``Travel/Japan/Kyoto``); ``name`` is the last part."""

from __future__ import annotations

import re
import uuid

from pydantic import Field, field_validator

from albumen.db.tables import Tag
from albumen.dto.base import Dto, OmitNoneDto, RequestDto, Timestamp

_HEX_COLOR = re.compile(r"^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


def _hex_color(value: str | None) -> str | None:
    """Immich stores colours with a leading ``#``, adding it when the client left it out."""
    if value is None:
        return None
    if not _HEX_COLOR.match(value):
        raise ValueError("must be a hex color")
    return value if value.startswith("#") else f"#{value}"


class _TagColor(RequestDto):
    color: str | None = None

    @field_validator("color")
    @classmethod
    def _color(cls, value: str | None) -> str | None:
        return _hex_color(value)


class TagCreateDto(_TagColor):
    name: str = Field(min_length=1)
    parentId: uuid.UUID | None = None


class TagUpdateDto(_TagColor):
    name: str | None = Field(default=None, min_length=1)


class TagUpsertDto(RequestDto):
    tags: list[str]


class TagBulkAssetsDto(RequestDto):
    tagIds: list[uuid.UUID]
    assetIds: list[uuid.UUID]


class TagBulkAssetsResponseDto(Dto):
    count: int


class TagResponseDto(OmitNoneDto):
    omit_when_none = frozenset({"parentId", "color"})

    id: str
    parentId: str | None = None
    name: str
    value: str
    createdAt: Timestamp
    updatedAt: Timestamp
    color: str | None = None


def to_tag_dto(tag: Tag) -> TagResponseDto:
    return TagResponseDto(
        id=str(tag.id),
        parentId=str(tag.parent_id) if tag.parent_id else None,
        name=tag.value.rsplit("/", 1)[-1],
        value=tag.value,
        createdAt=tag.created_at,
        updatedAt=tag.updated_at,
        color=tag.color,
    )
