"""The ``Search`` tag: search by metadata, random picks, statistics, suggestions, explore, places."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Response

from albumen.api.deps import DbSession, State, authenticated
from albumen.api.timeline import json_response
from albumen.dto.assets import AssetResponseDto
from albumen.dto.search import (
    LargeAssetSearchDto,
    MetadataSearchDto,
    PersonResponseDto,
    PlacesResponseDto,
    RandomSearchDto,
    SearchExploreResponseDto,
    SearchPeopleDto,
    SearchPlacesDto,
    SearchResponseDto,
    SearchStatisticsResponseDto,
    SearchSuggestionRequestDto,
    SmartSearchDto,
    StatisticsSearchDto,
)
from albumen.permissions import Permission
from albumen.services import search, smart_search
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/search", tags=["Search"])
AssetReader = Annotated[AuthContext, authenticated(Permission.ASSET_READ)]


@router.get("/cities", response_model=list[AssetResponseDto])
async def get_assets_by_city(db: DbSession, auth: AssetReader) -> Response:
    return json_response(await search.assets_by_city(db, auth))


@router.get("/explore", response_model=list[SearchExploreResponseDto])
async def get_explore_data(db: DbSession, auth: AssetReader) -> Response:
    return json_response(await search.explore(db, auth))


@router.post("/large-assets", response_model=list[AssetResponseDto])
async def search_large_assets(
    dto: Annotated[LargeAssetSearchDto, Query()], db: DbSession, auth: AssetReader
) -> Response:
    return json_response(await search.search_large_assets(db, auth, dto))


@router.post("/metadata", response_model=SearchResponseDto)
async def search_assets(
    dto: MetadataSearchDto,
    db: DbSession,
    auth: AssetReader,
    key: Annotated[str | None, Query()] = None,
    slug: Annotated[str | None, Query()] = None,
) -> Response:
    return json_response(await search.search_metadata(db, auth, dto))


@router.get("/person")
async def search_person(
    dto: Annotated[SearchPeopleDto, Query()],
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.PERSON_READ)],
) -> list[PersonResponseDto]:
    return await search.search_people(db, auth, dto.name, with_hidden=bool(dto.withHidden))


@router.get("/places")
async def search_places(
    dto: Annotated[SearchPlacesDto, Query()], auth: AssetReader
) -> list[PlacesResponseDto]:
    # The place names load on first use and are scanned in memory: off the event loop.
    return await asyncio.to_thread(search.search_places, dto.name)


@router.post("/random", response_model=list[AssetResponseDto])
async def search_random(dto: RandomSearchDto, db: DbSession, auth: AssetReader) -> Response:
    return json_response(await search.search_random(db, auth, dto))


@router.post("/smart", response_model=SearchResponseDto)
async def search_smart(dto: SmartSearchDto, db: DbSession, state: State, auth: AssetReader) -> Response:
    return json_response(await smart_search.search_smart(db, state.settings, auth, dto))


@router.post("/statistics")
async def search_asset_statistics(
    dto: StatisticsSearchDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_STATISTICS)],
) -> SearchStatisticsResponseDto:
    return await search.search_statistics(db, auth, dto)


@router.get("/suggestions")
async def get_search_suggestions(
    dto: Annotated[SearchSuggestionRequestDto, Query()], db: DbSession, auth: AssetReader
) -> list[str | None]:
    return await search.suggestions(db, auth, dto)
