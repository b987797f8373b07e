"""Search DTOs: Immich 3.2.2's flat filters, its ``SearchFilter`` tree, and the responses."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from albumen.dto.albums import AlbumResponseDto
from albumen.dto.assets import AssetResponseDto, AssetVisibility
from albumen.dto.base import Dto, OmitNoneDto, RequestDto, Timestamp
from albumen.dto.user_preferences import AssetOrder
from albumen.media.formats import AssetType

MAX_PAGE = 9007199254740991


class SearchSuggestionType(StrEnum):
    COUNTRY = "country"
    STATE = "state"
    CITY = "city"
    CAMERA_MAKE = "camera-make"
    CAMERA_MODEL = "camera-model"
    CAMERA_LENS_MODEL = "camera-lens-model"


class SearchOrderField(StrEnum):
    FILE_CREATED_AT = "fileCreatedAt"
    LOCAL_DATE_TIME = "localDateTime"
    FILE_SIZE_IN_BYTES = "fileSizeInBytes"
    RATING = "rating"


# -- SearchFilter (3.2.2) ---------------------------------------------------------------------------


class IdsFilter(RequestDto):
    any: list[uuid.UUID] | None = None
    all: list[uuid.UUID] | None = None
    none: list[uuid.UUID] | None = None


class IdFilter(RequestDto):
    eq: uuid.UUID | None = None
    ne: uuid.UUID | None = None


class StringFilter(RequestDto):
    eq: str | None = None
    ne: str | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    notIn: list[str] | None = None


class StringPatternFilter(StringFilter):
    like: str | None = None
    notLike: str | None = None
    startsWith: str | None = None
    endsWith: str | None = None


class NumberFilter(RequestDto):
    eq: float | None = None
    ne: float | None = None
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    in_: list[float] | None = Field(default=None, alias="in")
    notIn: list[float] | None = None


class DateFilter(RequestDto):
    eq: datetime | None = None
    ne: datetime | None = None
    gt: datetime | None = None
    gte: datetime | None = None
    lt: datetime | None = None
    lte: datetime | None = None


class BoolFilter(RequestDto):
    eq: bool


class StringSimilarityFilter(RequestDto):
    matches: str


class EnumFilterAssetType(RequestDto):
    eq: AssetType | None = None
    ne: AssetType | None = None
    in_: list[AssetType] | None = Field(default=None, alias="in")
    notIn: list[AssetType] | None = None


class EnumFilterAssetVisibility(RequestDto):
    eq: AssetVisibility | None = None
    ne: AssetVisibility | None = None
    in_: list[AssetVisibility] | None = Field(default=None, alias="in")
    notIn: list[AssetVisibility] | None = None


class SearchFilterBranch(RequestDto):
    albumIds: IdsFilter | None = None
    personIds: IdsFilter | None = None
    tagIds: IdsFilter | None = None
    id: IdFilter | None = None
    libraryId: IdFilter | None = None
    checksum: StringFilter | None = None
    encodedVideoPath: StringFilter | None = None
    city: StringFilter | None = None
    state: StringFilter | None = None
    country: StringFilter | None = None
    make: StringFilter | None = None
    model: StringFilter | None = None
    lensModel: StringFilter | None = None
    description: StringPatternFilter | None = None
    originalFileName: StringPatternFilter | None = None
    originalPath: StringPatternFilter | None = None
    ocr: StringSimilarityFilter | None = None
    rating: NumberFilter | None = None
    fileSizeInBytes: NumberFilter | None = None
    takenAt: DateFilter | None = None
    createdAt: DateFilter | None = None
    updatedAt: DateFilter | None = None
    trashedAt: DateFilter | None = None
    type: EnumFilterAssetType | None = None
    visibility: EnumFilterAssetVisibility | None = None
    isFavorite: BoolFilter | None = None
    isOffline: BoolFilter | None = None
    isMotion: BoolFilter | None = None
    isEncoded: BoolFilter | None = None
    hasAlbums: BoolFilter | None = None
    hasPeople: BoolFilter | None = None
    hasTags: BoolFilter | None = None

    def given(self) -> dict[str, Any]:
        """The filter as sent: unset fields left out, ``null`` kept (it means "is null")."""
        return self.model_dump(exclude_unset=True, by_alias=True)


class SearchFilter(SearchFilterBranch):
    or_: list[SearchFilterBranch] | None = Field(default=None, alias="or")


class SearchOrder(RequestDto):
    field: SearchOrderField = SearchOrderField.FILE_CREATED_AT
    direction: AssetOrder = AssetOrder.DESC


# -- flat search DTOs ---------------------------------------------------------------------------------


class BaseSearchDto(RequestDto):
    """The filters every search shares (``RandomSearchDto``, ``SmartSearchDto``, …)."""

    albumIds: list[uuid.UUID] | None = None
    personIds: list[uuid.UUID] | None = None
    tagIds: list[uuid.UUID] | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    make: str | None = None
    model: str | None = None
    lensModel: str | None = None
    libraryId: uuid.UUID | None = None
    rating: int | None = Field(default=None, ge=-1, le=5)
    createdAfter: datetime | None = None
    createdBefore: datetime | None = None
    takenAfter: datetime | None = None
    takenBefore: datetime | None = None
    trashedAfter: datetime | None = None
    trashedBefore: datetime | None = None
    updatedAfter: datetime | None = None
    updatedBefore: datetime | None = None
    type: AssetType | None = None
    visibility: AssetVisibility | None = None
    isEncoded: bool | None = None
    isFavorite: bool | None = None
    isMotion: bool | None = None
    isNotInAlbum: bool | None = None
    isOffline: bool | None = None
    ocr: str | None = None
    filter: SearchFilter | None = None
    withDeleted: bool | None = None
    withExif: bool | None = None
    withStacked: bool | None = None
    withPeople: bool | None = None


class StatisticsSearchDto(BaseSearchDto):
    description: str | None = None


class RandomSearchDto(BaseSearchDto):
    size: int | None = Field(default=None, ge=1, le=1000)


class MetadataSearchDto(RandomSearchDto):
    id: uuid.UUID | None = None
    checksum: str | None = None
    description: str | None = None
    originalFileName: str | None = None
    originalPath: str | None = None
    encodedVideoPath: str | None = None
    previewPath: str | None = None
    thumbnailPath: str | None = None
    deviceId: str | None = None
    deviceAssetId: str | None = None
    order: AssetOrder | None = None
    orderBy: SearchOrder | None = None
    page: int | None = Field(default=None, ge=1, le=MAX_PAGE)
    cursor: str | None = None


class SmartSearchDto(RandomSearchDto):
    query: str | None = None
    queryAssetId: uuid.UUID | None = None
    language: str | None = None
    page: int | None = Field(default=None, ge=1, le=MAX_PAGE)


class LargeAssetSearchDto(BaseSearchDto):
    """``POST /search/large-assets`` takes its filters as query parameters."""

    minFileSize: int | None = Field(default=None, ge=0, le=MAX_PAGE)
    size: int | None = Field(default=None, ge=1, le=1000)
    description: str | None = None


class SearchSuggestionRequestDto(RequestDto):
    type: SearchSuggestionType
    country: str | None = None
    state: str | None = None
    make: str | None = None
    model: str | None = None
    lensModel: str | None = None
    includeNull: bool | None = None


class SearchPeopleDto(RequestDto):
    name: str
    withHidden: bool | None = None


class SearchPlacesDto(RequestDto):
    name: str


# -- responses ------------------------------------------------------------------------------------


class SearchFacetCountResponseDto(Dto):
    count: int
    value: str


class SearchFacetResponseDto(Dto):
    fieldName: str
    counts: list[SearchFacetCountResponseDto]


class SearchAlbumResponseDto(Dto):
    total: int
    count: int
    items: list[AlbumResponseDto]
    facets: list[SearchFacetResponseDto]


class SearchAssetResponseDto(Dto):
    total: int
    count: int
    items: list[AssetResponseDto]
    facets: list[SearchFacetResponseDto]
    nextPage: str | None
    nextCursor: str | None


class SearchResponseDto(Dto):
    albums: SearchAlbumResponseDto
    assets: SearchAssetResponseDto


class SearchStatisticsResponseDto(Dto):
    total: int


class SearchExploreItem(Dto):
    value: str
    data: AssetResponseDto


class SearchExploreResponseDto(Dto):
    fieldName: str
    items: list[SearchExploreItem]


class PlacesResponseDto(OmitNoneDto):
    omit_when_none = frozenset({"admin1name", "admin2name"})

    name: str
    latitude: float
    longitude: float
    admin1name: str | None = None
    admin2name: str | None = None


class PersonResponseDto(OmitNoneDto):
    """A person as ``/search/person`` lists them (``color``/``updatedAt``/``isFavorite`` when known)."""

    omit_when_none = frozenset({"color", "updatedAt", "isFavorite"})

    id: str
    name: str
    birthDate: str | None
    thumbnailPath: str
    isHidden: bool
    isFavorite: bool | None = None
    color: str | None = None
    updatedAt: Timestamp | None = None
