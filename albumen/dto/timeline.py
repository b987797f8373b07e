"""Timeline DTOs: month buckets and one bucket's assets in Immich's columnar format."""

from __future__ import annotations

import uuid
from enum import StrEnum

from pydantic import Field, field_validator

from albumen.dto.assets import AssetVisibility
from albumen.dto.base import Dto, RequestDto
from albumen.dto.user_preferences import AssetOrder


class AssetOrderBy(StrEnum):
    TAKEN_AT = "takenAt"
    CREATED_AT = "createdAt"


class TimeBucketDto(RequestDto):
    """Query parameters of ``GET /timeline/buckets`` (and, with ``timeBucket``, ``/timeline/bucket``)."""

    userId: uuid.UUID | None = None
    albumId: uuid.UUID | None = None
    personId: uuid.UUID | None = None
    tagId: uuid.UUID | None = None
    isFavorite: bool | None = None
    isTrashed: bool | None = None
    withStacked: bool | None = None
    withPartners: bool | None = None
    withCoordinates: bool | None = None
    order: AssetOrder | None = None
    orderBy: AssetOrderBy | None = None
    visibility: AssetVisibility | None = None
    #: ``west,south,east,north`` in degrees (WGS84).
    bbox: str | None = Field(default=None, pattern=r"^\s*-?[\d.]+\s*(,\s*-?[\d.]+\s*){3}$")
    key: str | None = None
    slug: str | None = None

    def bounding_box(self) -> tuple[float, float, float, float] | None:
        if self.bbox is None:
            return None
        west, south, east, north = (float(value) for value in self.bbox.split(","))
        return west, south, east, north


class TimeBucketAssetDto(TimeBucketDto):
    #: The month, as ``YYYY-MM-DD`` (its first day); older clients add a time, which is ignored.
    timeBucket: str

    @field_validator("timeBucket")
    @classmethod
    def _month(cls, value: str) -> str:
        text = value.lstrip("+-")[:10]
        try:
            parts = [int(part) for part in text.split("-")]
            if len(parts) != 3 or not (1 <= parts[1] <= 12):
                raise ValueError
        except ValueError:
            raise ValueError("timeBucket must be a date (YYYY-MM-DD)") from None
        return text


class TimeBucketsResponseDto(Dto):
    timeBucket: str
    count: int


class TimeBucketAssetResponseDto(Dto):
    """Documented shape only: the service returns this JSON pre-built by PostgreSQL."""

    id: list[str]
    ownerId: list[str]
    ratio: list[float]
    isFavorite: list[bool]
    visibility: list[AssetVisibility]
    isTrashed: list[bool]
    isImage: list[bool]
    thumbhash: list[str | None]
    createdAt: list[str]
    fileCreatedAt: list[str]
    localOffsetHours: list[float]
    duration: list[int | None]
    projectionType: list[str | None]
    livePhotoVideoId: list[str | None]
    city: list[str | None] | None = None
    country: list[str | None] | None = None
    latitude: list[float | None] | None = None
    longitude: list[float | None] | None = None
    stack: list[list[str] | None] | None = None
