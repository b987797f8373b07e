"""Search by metadata: pages, random picks, counts, suggestions, explore, cities, places, people.

The filters of every search DTO become one :class:`AssetSearch` (:func:`build_search`), which smart
search (``albumen.services.smart_search``) reuses.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_filters import UNSET, AssetCriteria
from albumen.db.repositories.asset_items import ItemVersion
from albumen.db.repositories.search import (
    AssetSearch,
    SearchOrdering,
    SearchRepository,
    cursor_value,
    parse_cursor_value,
)
from albumen.db.tables import Person
from albumen.dto.search import (
    BaseSearchDto,
    LargeAssetSearchDto,
    MetadataSearchDto,
    PersonResponseDto,
    PlacesResponseDto,
    RandomSearchDto,
    SearchStatisticsResponseDto,
    SearchSuggestionRequestDto,
    SearchSuggestionType,
    StatisticsSearchDto,
)
from albumen.dto.user_preferences import AssetOrder
from albumen.media import geocoding
from albumen.services.asset_items import asset_items, item_texts
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError
from albumen.services.visibility import (
    partner_ids,
    search_scope,
    shared_link_search_scope,
)

DEFAULT_SIZE = 250
#: Immich's explore page: cities with at least this many photos, at most this many cities.
EXPLORE_MIN_ASSETS = 5
EXPLORE_MAX_CITIES = 12
SUGGESTION_FIELDS = {
    SearchSuggestionType.COUNTRY: ("country", ()),
    SearchSuggestionType.STATE: ("state", ("country",)),
    SearchSuggestionType.CITY: ("city", ("country", "state")),
    SearchSuggestionType.CAMERA_MAKE: ("make", ("model", "lensModel")),
    SearchSuggestionType.CAMERA_MODEL: ("model", ("make", "lensModel")),
    SearchSuggestionType.CAMERA_LENS_MODEL: ("lens_model", ("make", "model")),
}


def decode_checksum(text: str) -> bytes:
    """A SHA-1 as base64 (28 characters, as Immich sends it) or hex."""
    try:
        return base64.b64decode(text, validate=True) if len(text) == 28 else bytes.fromhex(text)
    except (ValueError, binascii.Error):
        raise BadRequestError("Invalid checksum") from None


async def build_search(db: AsyncSession, auth: AuthContext, dto: BaseSearchDto) -> AssetSearch:
    """The caller's search scope narrowed by every filter ``dto`` carries (unset ones ignored)."""
    given = dto.model_fields_set
    trashed_filter = getattr(dto, "trashedAfter", None) or getattr(dto, "trashedBefore", None)
    with_deleted = bool(dto.withDeleted or trashed_filter or dto.isOffline)
    if auth.shared_link is not None:
        scope = await shared_link_search_scope(db, auth, dto.albumIds)
    else:
        scope = await search_scope(db, auth, dto.visibility, with_deleted=with_deleted)

    def nullable(name: str) -> Any:
        return getattr(dto, name) if name in given else UNSET

    checksum = getattr(dto, "checksum", None)
    criteria = AssetCriteria(
        id=getattr(dto, "id", None),
        checksum=decode_checksum(checksum) if checksum else None,
        library_id=nullable("libraryId"),
        type=dto.type.value if dto.type else None,
        is_favorite=dto.isFavorite,
        is_offline=dto.isOffline,
        is_encoded=dto.isEncoded,
        is_motion=dto.isMotion,
        is_not_in_album=dto.isNotInAlbum,
        taken_before=dto.takenBefore,
        taken_after=dto.takenAfter,
        created_before=dto.createdBefore,
        created_after=dto.createdAfter,
        updated_before=dto.updatedBefore,
        updated_after=dto.updatedAfter,
        trashed_before=dto.trashedBefore,
        trashed_after=dto.trashedAfter,
        original_file_name=getattr(dto, "originalFileName", None),
        original_path=getattr(dto, "originalPath", None),
        encoded_video_path=getattr(dto, "encodedVideoPath", None),
        description=getattr(dto, "description", None),
        ocr=dto.ocr,
        city=nullable("city"),
        state=nullable("state"),
        country=nullable("country"),
        make=nullable("make"),
        model=nullable("model"),
        lens_model=nullable("lensModel"),
        rating=nullable("rating"),
        album_ids=list(dto.albumIds or []),
        person_ids=list(dto.personIds or []),
        tag_ids=None if "tagIds" in given and dto.tagIds is None else list(dto.tagIds or []),
        without_stacked=dto.withStacked is False,
    )
    search_filter = None
    if dto.filter is not None:
        search_filter = dto.filter.given()
        _decode_filter_checksums(search_filter)
    return AssetSearch(scope=scope, criteria=criteria, search_filter=search_filter)


def _decode_filter_checksums(search_filter: dict[str, Any]) -> None:
    for branch in [search_filter, *search_filter.get("or", [])]:
        checksum = branch.get("checksum")
        if checksum:
            for operator, value in checksum.items():
                if isinstance(value, list):
                    checksum[operator] = [decode_checksum(item) for item in value]
                elif value is not None:
                    checksum[operator] = decode_checksum(value)


def person_dto(person: Person) -> PersonResponseDto:
    return PersonResponseDto(
        id=str(person.id),
        name=person.name,
        birthDate=person.birth_date.isoformat() if person.birth_date else None,
        thumbnailPath=person.thumbnail_path,
        isHidden=person.is_hidden,
        isFavorite=person.is_favorite,
        color=person.color,
        updatedAt=person.updated_at,
    )


def search_response(items: list[orjson.Fragment], next_page: str | None, next_cursor: str | None) -> bytes:
    """``SearchResponseDto`` as JSON (Immich reports the page's size as both total and count)."""
    page = {"total": len(items), "count": len(items), "items": items, "facets": []}
    return orjson.dumps(
        {
            "albums": {"total": 0, "count": 0, "items": [], "facets": []},
            "assets": {**page, "nextPage": next_page, "nextCursor": next_cursor},
        }
    )


def _ordering(dto: MetadataSearchDto) -> SearchOrdering:
    if dto.orderBy is not None:
        return SearchOrdering(dto.orderBy.field.value, dto.orderBy.direction is not AssetOrder.ASC)
    return SearchOrdering(descending=dto.order is not AssetOrder.ASC)


def _encode_cursor(key: Any, asset_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([cursor_value(key), str(asset_id)])).decode().rstrip("=")


def _decode_cursor(ordering: SearchOrdering, cursor: str) -> tuple[Any, uuid.UUID]:
    try:
        key, asset_id = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return parse_cursor_value(ordering, key), uuid.UUID(asset_id)
    except (ValueError, TypeError, binascii.Error):
        raise BadRequestError("Invalid cursor") from None


async def search_metadata(db: AsyncSession, auth: AuthContext, dto: MetadataSearchDto) -> bytes:
    """A page of ``SearchResponseDto`` as JSON."""
    search = await build_search(db, auth, dto)
    ordering = _ordering(dto)
    size = dto.size or DEFAULT_SIZE
    page = dto.page or 1
    after = _decode_cursor(ordering, dto.cursor) if dto.cursor else None
    found = await SearchRepository(db).page(
        search, ordering, size=size, offset=0 if after else (page - 1) * size, after=after
    )
    has_next = len(found) > size
    found = found[:size]
    ids = [record["id"] for record in found]
    versions = {
        record["id"]: ItemVersion(record["owner_id"], record["update_id"], record["exif_update_id"])
        for record in found
    }
    items = await asset_items(
        db, auth, ids, with_exif=bool(dto.withExif), with_people=bool(dto.withPeople), versions=versions
    )
    next_cursor = _encode_cursor(found[-1]["sort_key"], found[-1]["id"]) if has_next else None
    next_page = str(page + 1) if has_next and after is None else None
    return search_response(items, next_page, next_cursor)


async def search_random(db: AsyncSession, auth: AuthContext, dto: RandomSearchDto) -> bytes:
    """``AssetResponseDto[]`` as JSON."""
    search = await build_search(db, auth, dto)
    ids = await SearchRepository(db).random(search, dto.size or DEFAULT_SIZE)
    return orjson.dumps(
        await asset_items(db, auth, ids, with_exif=bool(dto.withExif), with_people=bool(dto.withPeople))
    )


async def search_large_assets(db: AsyncSession, auth: AuthContext, dto: LargeAssetSearchDto) -> bytes:
    """``AssetResponseDto[]`` as JSON, largest files first."""
    search = await build_search(db, auth, dto)
    ids = await SearchRepository(db).largest(search, dto.size or DEFAULT_SIZE, dto.minFileSize or 0)
    return orjson.dumps(
        await asset_items(db, auth, ids, with_exif=bool(dto.withExif), with_people=bool(dto.withPeople))
    )


async def search_statistics(
    db: AsyncSession, auth: AuthContext, dto: StatisticsSearchDto
) -> SearchStatisticsResponseDto:
    search = await build_search(db, auth, dto)
    return SearchStatisticsResponseDto(total=await SearchRepository(db).count(search))


async def suggestions(
    db: AsyncSession, auth: AuthContext, dto: SearchSuggestionRequestDto
) -> list[str | None]:
    field, narrowing = SUGGESTION_FIELDS[dto.type]
    filters = {
        "lens_model" if name == "lensModel" else name: value
        for name in narrowing
        if (value := getattr(dto, name))
    }
    owners = [auth.user_id, *await partner_ids(db, auth.user_id)]
    found: list[str | None] = list(await SearchRepository(db).suggestions(field, owners, filters))
    if dto.includeNull:
        found.append(None)
    return found


async def explore(db: AsyncSession, auth: AuthContext) -> bytes:
    """``SearchExploreResponseDto[]`` as JSON: a photo of each city the caller photographed most."""
    found = await SearchRepository(db).one_per_city(
        [auth.user_id], min_assets=EXPLORE_MIN_ASSETS, limit=EXPLORE_MAX_CITIES
    )
    items = await item_texts(db, auth, [record["id"] for record in found], with_exif=True)
    cities = [
        {"value": record["city"], "data": orjson.Fragment(items[record["id"]])}
        for record in found
        if record["id"] in items
    ]
    return orjson.dumps([{"fieldName": "exifInfo.city", "items": cities}])


async def assets_by_city(db: AsyncSession, auth: AuthContext) -> bytes:
    """``AssetResponseDto[]`` as JSON: one photo of each city, the caller's and timeline partners'."""
    owners = [auth.user_id, *await partner_ids(db, auth.user_id)]
    found = await SearchRepository(db).one_per_city(owners)
    return orjson.dumps(await asset_items(db, auth, [record["id"] for record in found], with_exif=True))


async def search_people(
    db: AsyncSession, auth: AuthContext, name: str, *, with_hidden: bool
) -> list[PersonResponseDto]:
    people = await SearchRepository(db).people_named(auth.user_id, name, with_hidden=with_hidden)
    return [person_dto(person) for person in people]


def search_places(name: str) -> list[PlacesResponseDto]:
    """GeoNames places by name (from the reverse-geocoding data)."""
    return [
        PlacesResponseDto(
            name=place.name,
            latitude=place.latitude,
            longitude=place.longitude,
            admin1name=place.state,
        )
        for place in geocoding.search_places(name)
    ]
