"""The ``Views`` tag: browse the caller's originals by folder."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from albumen.api.deps import DbSession, authenticated
from albumen.api.timeline import json_response
from albumen.dto.assets import AssetResponseDto
from albumen.permissions import Permission
from albumen.services import views
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/view", tags=["Views"])
FolderReader = Annotated[AuthContext, authenticated(Permission.FOLDER_READ)]


@router.get("/folder/unique-paths")
async def get_unique_original_paths(db: DbSession, auth: FolderReader) -> list[str]:
    return await views.unique_paths(db, auth)


@router.get("/folder", response_model=list[AssetResponseDto])
async def get_assets_by_original_path(
    path: Annotated[str, Query()], db: DbSession, auth: FolderReader
) -> Response:
    return json_response(await views.assets_in_folder(db, auth, path))
