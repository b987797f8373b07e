"""The ``People`` tag: the people found in a user's photos, their thumbnails, merges and faces."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import Field

from albumen.api.assets import media_storage
from albumen.api.deps import DbSession, State, authenticated
from albumen.api.media_responses import file_response
from albumen.dto.asset_ids import BulkIdResponseDto, BulkIdsDto
from albumen.dto.base import RequestDto
from albumen.dto.people import (
    AssetFaceUpdateDto,
    MergePersonDto,
    PeopleResponseDto,
    PeopleUpdateDto,
    PersonCreateDto,
    PersonResponseDto,
    PersonStatisticsResponseDto,
    PersonUpdateDto,
)
from albumen.permissions import Permission
from albumen.services import people
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/people", tags=["People"])


class PersonSearchDto(RequestDto):
    closestAssetId: uuid.UUID | None = None
    closestPersonId: uuid.UUID | None = None
    page: int = Field(1, ge=1)
    size: int = Field(500, ge=1, le=1000)
    withHidden: bool = False


@router.get("")
async def get_all_people(
    dto: Annotated[PersonSearchDto, Query()],
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.PERSON_READ)],
) -> PeopleResponseDto:
    return await people.list_people(
        db,
        state.settings,
        auth,
        with_hidden=dto.withHidden,
        page=dto.page,
        size=dto.size,
        closest_asset_id=dto.closestAssetId,
        closest_person_id=dto.closestPersonId,
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_person(
    dto: PersonCreateDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.PERSON_CREATE)]
) -> PersonResponseDto:
    return await people.create_person(db, auth, dto)


@router.put("")
async def update_people(
    dto: PeopleUpdateDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.PERSON_UPDATE)]
) -> list[BulkIdResponseDto]:
    return await people.update_people(db, auth, dto)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
async def delete_people(
    dto: BulkIdsDto,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.PERSON_DELETE)],
) -> None:
    await people.delete_people(db, media_storage(state), auth, dto.ids)


@router.get("/{id}")
async def get_person(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.PERSON_READ)]
) -> PersonResponseDto:
    return await people.get_person(db, auth, id)


@router.put("/{id}")
async def update_person(
    id: uuid.UUID,
    dto: PersonUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.PERSON_UPDATE)],
) -> PersonResponseDto:
    return await people.update_person(db, auth, id, dto)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_person(
    id: uuid.UUID,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.PERSON_DELETE)],
) -> None:
    await people.delete_people(db, media_storage(state), auth, [id])


@router.post("/merge")
async def merge_people(
    dto: MergePersonDto,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.PERSON_MERGE)],
) -> list[BulkIdResponseDto]:
    return await people.merge_people(db, media_storage(state), auth, dto.ids)


@router.post("/{id}/merge")
async def merge_person(
    id: uuid.UUID,
    dto: MergePersonDto,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.PERSON_MERGE)],
) -> list[BulkIdResponseDto]:
    return await people.merge(db, media_storage(state), auth, id, dto.ids)


@router.put("/{id}/reassign")
async def reassign_faces(
    id: uuid.UUID,
    dto: AssetFaceUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.PERSON_REASSIGN)],
) -> list[PersonResponseDto]:
    return await people.reassign_faces(db, auth, id, dto)


@router.get("/{id}/statistics")
async def get_person_statistics(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.PERSON_STATISTICS)]
) -> PersonStatisticsResponseDto:
    return await people.statistics(db, auth, id)


@router.get("/{id}/thumbnail")
async def get_person_thumbnail(
    id: uuid.UUID,
    request: Request,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.PERSON_READ)],
) -> Response:
    return file_response(request, await people.thumbnail(db, media_storage(state), auth, id))
