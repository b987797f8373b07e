"""The ``Duplicates`` tag: groups of look-alike assets, resolved (keep/trash) or dismissed."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from albumen.api.assets import media_storage
from albumen.api.deps import DbSession, State, authenticated
from albumen.api.timeline import json_response
from albumen.dto.asset_ids import BulkIdResponseDto, BulkIdsDto
from albumen.dto.duplicates import DuplicateResolveDto, DuplicateResponseDto
from albumen.permissions import Permission
from albumen.services import duplicates
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/duplicates", tags=["Duplicates"])
DuplicateReader = Annotated[AuthContext, authenticated(Permission.DUPLICATE_READ)]
DuplicateDeleter = Annotated[AuthContext, authenticated(Permission.DUPLICATE_DELETE)]


@router.get("", response_model=list[DuplicateResponseDto])
async def get_asset_duplicates(db: DbSession, auth: DuplicateReader) -> Response:
    return json_response(await duplicates.list_duplicates(db, auth))


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
async def delete_duplicates(dto: BulkIdsDto, db: DbSession, auth: DuplicateDeleter) -> None:
    await duplicates.delete_duplicates_bulk(db, auth, dto)


@router.post("/resolve")
async def resolve_duplicates(
    dto: DuplicateResolveDto, db: DbSession, state: State, auth: DuplicateDeleter
) -> list[BulkIdResponseDto]:
    return await duplicates.resolve(db, state.settings, media_storage(state), auth, dto)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_duplicate(id: uuid.UUID, db: DbSession, auth: DuplicateDeleter) -> None:
    await duplicates.delete_duplicates(db, auth, [id])
