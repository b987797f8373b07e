"""The ``Trash`` tag: empty the trash, restore all of it or some assets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from albumen.api.assets import media_storage
from albumen.api.deps import DbSession, State, authenticated
from albumen.dto.asset_ids import BulkIdsDto
from albumen.dto.trash import TrashResponseDto
from albumen.permissions import Permission
from albumen.services import trash
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/trash", tags=["Trash"])


@router.post("/empty", status_code=200)
async def empty_trash(
    db: DbSession, state: State, auth: Annotated[AuthContext, authenticated(Permission.ASSET_DELETE)]
) -> TrashResponseDto:
    return await trash.empty_trash(db, media_storage(state), auth)


@router.post("/restore", status_code=200)
async def restore_trash(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ASSET_DELETE)]
) -> TrashResponseDto:
    return await trash.restore_trash(db, auth)


@router.post("/restore/assets", status_code=200)
async def restore_assets(
    dto: BulkIdsDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ASSET_DELETE)]
) -> TrashResponseDto:
    return await trash.restore_assets(db, auth, dto)
