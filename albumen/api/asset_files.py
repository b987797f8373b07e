"""The ``Asset files`` tag (3.2.2): an asset's derived files, listed, read, downloaded or deleted."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response, status

from albumen.api.assets import media_storage
from albumen.api.deps import DbSession, State, authenticated
from albumen.api.media_responses import file_response
from albumen.dto.asset_files import AssetFileResponseDto, AssetFileType
from albumen.permissions import Permission
from albumen.services import asset_files
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/asset-files", tags=["Asset files"])


@router.get("")
async def search_asset_files(
    assetId: uuid.UUID,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_FILE_READ)],
    type: AssetFileType | None = None,
    isEdited: bool | None = None,
    isProgressive: bool | None = None,
    isTransparent: bool | None = None,
) -> list[AssetFileResponseDto]:
    return await asset_files.search(
        db,
        auth,
        assetId,
        file_type=type,
        is_edited=isEdited,
        is_progressive=isProgressive,
        is_transparent=isTransparent,
    )


@router.get("/{id}")
async def get_asset_file(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ASSET_FILE_READ)]
) -> AssetFileResponseDto:
    return await asset_files.get(db, auth, id)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_asset_file(
    id: uuid.UUID,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_FILE_DELETE)],
) -> None:
    await asset_files.delete(db, media_storage(state), auth, id)


@router.api_route("/{id}/download", methods=["GET", "HEAD"], response_class=Response)
async def download_asset_file(
    id: uuid.UUID,
    request: Request,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_FILE_DOWNLOAD)],
) -> Response:
    return file_response(request, await asset_files.download(db, media_storage(state), auth, id))
