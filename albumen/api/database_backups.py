"""The ``Database Backups (admin)`` tag: list, download, delete and upload dumps, and the restore flow
of a fresh install."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, File, Path, Response, UploadFile, status
from fastapi.responses import FileResponse

from albumen.api.deps import State
from albumen.api.maintenance import admin_or_maintenance_token, set_token_cookie
from albumen.dto.backups import DatabaseBackupDeleteDto, DatabaseBackupListResponseDto
from albumen.permissions import Permission
from albumen.services import backups, maintenance
from albumen.services.authentication import AuthContext

router = APIRouter()

UPLOAD_CHUNK_BYTES = 1024 * 1024
BackupName = Annotated[str, Path(pattern=r"^[a-zA-Z0-9_\-.]+$")]


@router.get("/admin/database-backups")
async def list_database_backups(
    state: State, auth: Annotated[AuthContext | None, admin_or_maintenance_token(Permission.MAINTENANCE)]
) -> DatabaseBackupListResponseDto:
    return backups.list_backups(state.settings)


@router.get("/admin/database-backups/{filename}", response_class=FileResponse)
async def download_database_backup(
    filename: BackupName,
    state: State,
    auth: Annotated[AuthContext | None, admin_or_maintenance_token(Permission.BACKUP_DOWNLOAD)],
) -> FileResponse:
    path = backups.backup_path(state.settings, filename)
    return FileResponse(
        path,
        filename=filename,
        media_type="application/gzip" if filename.endswith(".gz") else "application/sql",
        headers={"Cache-Control": "private, no-cache, no-transform"},
    )


@router.delete("/admin/database-backups")
async def delete_database_backup(
    body: DatabaseBackupDeleteDto,
    state: State,
    auth: Annotated[AuthContext | None, admin_or_maintenance_token(Permission.BACKUP_DELETE)],
) -> None:
    backups.delete_backups(state.settings, body.backups)


@router.post("/admin/database-backups/upload", status_code=status.HTTP_201_CREATED)
async def upload_database_backup(
    state: State,
    auth: Annotated[AuthContext | None, admin_or_maintenance_token(Permission.BACKUP_UPLOAD)],
    file: Annotated[UploadFile, File()],
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        while chunk := await file.read(UPLOAD_CHUNK_BYTES):
            yield chunk

    await backups.upload_backup(state.settings, backups.IncomingBackup(file.filename or "", chunks()))


@router.post("/admin/database-backups/start-restore", status_code=status.HTTP_201_CREATED)
async def start_database_restore_flow(state: State, response: Response) -> None:
    token = await maintenance.start_restore_flow(state.database)
    set_token_cookie(response, token)
