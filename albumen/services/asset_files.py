"""The ``Asset files`` tag (3.2.2): list, read, download and delete an asset's derived files."""

from __future__ import annotations

import logging
import posixpath
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_files import AssetFileRepository
from albumen.db.tables import AssetFile
from albumen.dto.asset_files import AssetFileResponseDto, AssetFileType, to_asset_file_dto
from albumen.permissions import Permission
from albumen.services.access import allowed_assets, require_assets
from albumen.services.asset_media import MediaFile, media_file
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError
from albumen.storage.base import InvalidStorageKeyError, Storage

logger = logging.getLogger(__name__)


async def search(
    db: AsyncSession,
    auth: AuthContext,
    asset_id: uuid.UUID,
    *,
    file_type: AssetFileType | None = None,
    is_edited: bool | None = None,
    is_progressive: bool | None = None,
    is_transparent: bool | None = None,
) -> list[AssetFileResponseDto]:
    await require_assets(db, auth, Permission.ASSET_READ, [asset_id])
    files = await AssetFileRepository(db).search(
        asset_id,
        file_type=file_type.value if file_type is not None else None,
        is_edited=is_edited,
        is_progressive=is_progressive,
        is_transparent=is_transparent,
    )
    return [to_asset_file_dto(file) for file in files]


async def get(db: AsyncSession, auth: AuthContext, file_id: uuid.UUID) -> AssetFileResponseDto:
    return to_asset_file_dto(await _require_file(db, auth, Permission.ASSET_FILE_READ, file_id))


async def download(db: AsyncSession, storage: Storage, auth: AuthContext, file_id: uuid.UUID) -> MediaFile:
    file = await _require_file(db, auth, Permission.ASSET_FILE_DOWNLOAD, file_id)
    try:
        path = storage.local_path(file.path)
    except InvalidStorageKeyError:
        raise BadRequestError("Asset file not found") from None
    return await media_file(path, file_name=posixpath.basename(file.path))


async def delete(db: AsyncSession, storage: Storage, auth: AuthContext, file_id: uuid.UUID) -> None:
    file = await _require_file(db, auth, Permission.ASSET_FILE_DELETE, file_id)
    if file.type == AssetFileType.SIDECAR:
        raise BadRequestError("Sidecar files cannot be deleted")
    await AssetFileRepository(db).delete(file.id)
    await db.commit()
    try:
        await storage.delete(file.path)
    except (InvalidStorageKeyError, OSError) as error:
        logger.warning("could not delete an asset file", extra={"path": file.path, "error": str(error)})


async def _require_file(
    db: AsyncSession, auth: AuthContext, permission: Permission, file_id: uuid.UUID
) -> AssetFile:
    """Reading and deleting a file is the asset owner's; downloading follows the asset's download rights."""
    files = AssetFileRepository(db)
    allowed: set[uuid.UUID] | Sequence[uuid.UUID]
    if permission is Permission.ASSET_FILE_DOWNLOAD:
        assets = await files.asset_of_files([file_id])
        readable = await allowed_assets(db, auth, Permission.ASSET_DOWNLOAD, assets.values())
        allowed = [file for file, asset in assets.items() if asset in readable]
    else:
        allowed = await files.owned_files(
            auth.user_id, [file_id], include_locked=auth.has_elevated_permission
        )
    file = await files.get(file_id) if file_id in allowed else None
    if file is None:
        raise BadRequestError(f"Not found or no {permission.value} access")
    return file
