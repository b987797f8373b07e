"""The ``Download`` tag: how a selection splits into archives, and one archive streamed as a ZIP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from albumen.api.assets import media_storage
from albumen.api.deps import DbSession, State, authenticated
from albumen.api.media_responses import attachment_stream
from albumen.dto.download import DownloadArchiveDto, DownloadInfoDto, DownloadResponseDto
from albumen.permissions import Permission
from albumen.services import download
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/download", tags=["Download"])


@router.post("/info", status_code=status.HTTP_201_CREATED)
async def get_download_info(
    dto: DownloadInfoDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_DOWNLOAD)],
    key: Annotated[str | None, Query()] = None,
    slug: Annotated[str | None, Query()] = None,
) -> DownloadResponseDto:
    return await download.info(db, auth, dto)


@router.post("/archive", status_code=status.HTTP_200_OK, response_class=Response)
async def download_archive(
    dto: DownloadArchiveDto,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_DOWNLOAD)],
    key: Annotated[str | None, Query()] = None,
    slug: Annotated[str | None, Query()] = None,
) -> Response:
    archive = await download.archive(db, media_storage(state), auth, dto)
    return attachment_stream(archive.chunks, file_name=archive.name, size=archive.size)
