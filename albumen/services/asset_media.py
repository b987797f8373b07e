"""Which file answers a media request: the original, a thumbnail size, or the video to play.

The API streams the chosen file (HTTP Range, ETag, Content-Disposition); here are Immich's choices
of file, fallbacks and headers (NOTES.md §4.2 F).
"""

from __future__ import annotations

import asyncio
import os
import posixpath
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_files import AssetFileRepository
from albumen.db.repositories.asset_metadata import AssetMetadataRepository
from albumen.db.repositories.assets import AssetRepository
from albumen.db.tables import Asset, AssetFile
from albumen.dto.asset_files import AssetFileType
from albumen.dto.assets import AssetMediaSize
from albumen.media.formats import AssetType, extension_of, mime_type_of
from albumen.permissions import Permission
from albumen.services.access import require_assets
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError, NotFoundError
from albumen.storage.base import InvalidStorageKeyError, Storage

#: Immich's ``CacheControl.PrivateWithCache``.
PRIVATE_WITH_CACHE = "private, max-age=86400, no-transform"
#: Formats every browser shows: a "fullsize" request for one of these is sent to the original.
WEB_SUPPORTED_IMAGES = frozenset({".avif", ".gif", ".jpeg", ".jpg", ".png", ".svg", ".webp"})
MEDIA_NOT_FOUND = "Asset media not found"


@dataclass(frozen=True)
class MediaFile:
    """A file to stream, with the headers that describe it."""

    path: Path
    stat: os.stat_result
    content_type: str
    etag: str
    file_name: str | None = None
    cache_control: str = PRIVATE_WITH_CACHE


@dataclass(frozen=True)
class MediaRedirect:
    """Immich answers some thumbnail requests by redirecting: to the original, or to another size."""

    size: AssetMediaSize


def original_location(storage: Storage, asset: Asset) -> Path:
    """Where an asset's original is: a storage key for uploads, the file's own path for external libraries."""
    if asset.library_id is not None and os.path.isabs(asset.original_path):
        return Path(asset.original_path)
    return storage.local_path(asset.original_path)


async def media_file(
    path: Path, *, file_name: str | None = None, etag: str | None = None, content_type: str | None = None
) -> MediaFile:
    """Stat ``path`` off the event loop; a missing file is Immich's 404 "Asset media not found".

    Without ``etag``, the file's modification time and size make one (derived files are rewritten in
    place when regenerated, so that changes with them).
    """
    try:
        stat = await asyncio.to_thread(os.stat, path)
    except (FileNotFoundError, NotADirectoryError):
        raise NotFoundError(MEDIA_NOT_FOUND) from None
    return MediaFile(
        path=path,
        stat=stat,
        content_type=content_type or mime_type_of(path.name),
        etag=etag or f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"',
        file_name=file_name,
    )


async def original(
    db: AsyncSession, storage: Storage, auth: AuthContext, asset_id: uuid.UUID, *, edited: bool = False
) -> MediaFile:
    """``GET /assets/{id}/original``: the uploaded file (or its edited rendering, when asked and made)."""
    await require_assets(db, auth, Permission.ASSET_DOWNLOAD, [asset_id])
    asset = await _asset(db, asset_id)
    if edited:
        files = await AssetFileRepository(db).of_asset(asset_id)
        rendered = _file(files, AssetFileType.FULLSIZE, edited=True)
        if rendered is not None:
            return await media_file(
                _local(storage, rendered.path),
                file_name=_stem(asset.original_file_name) + extension_of(rendered.path),
            )
    return await media_file(
        _original(storage, asset),
        file_name=asset.original_file_name,
        etag=f'"{asset.checksum.hex()}"',
        content_type=mime_type_of(asset.original_file_name),
    )


async def thumbnail(
    db: AsyncSession,
    storage: Storage,
    auth: AuthContext,
    asset_id: uuid.UUID,
    *,
    size: AssetMediaSize = AssetMediaSize.THUMBNAIL,
    edited: bool = False,
) -> MediaFile | MediaRedirect:
    """``GET /assets/{id}/thumbnail``, with Immich's fallbacks: a missing thumbnail is answered with the
    preview; ``fullsize`` of a web format is the original, and without a fullsize file the preview."""
    await require_assets(db, auth, Permission.ASSET_VIEW, [asset_id])
    if size is AssetMediaSize.ORIGINAL:
        return MediaRedirect(AssetMediaSize.ORIGINAL)
    asset = await _asset(db, asset_id)
    files = await AssetFileRepository(db).of_asset(asset_id)
    use_edited = edited and bool(await AssetMetadataRepository(db).edits_of(asset_id))
    if use_edited and not any(file.is_edited for file in files):
        use_edited = False  # edits stored but not rendered yet: show the photo as it was
    preview = _file(files, AssetFileType.PREVIEW, edited=use_edited)
    chosen = preview
    if size is AssetMediaSize.THUMBNAIL:
        chosen = _file(files, AssetFileType.THUMBNAIL, edited=use_edited) or preview
    elif size is AssetMediaSize.FULLSIZE:
        if asset.type == AssetType.IMAGE and not use_edited and _is_web_image(asset):
            return MediaRedirect(AssetMediaSize.ORIGINAL)
        chosen = _file(files, AssetFileType.FULLSIZE, edited=use_edited)
        if chosen is None:
            return MediaRedirect(AssetMediaSize.PREVIEW)
    if chosen is None:
        raise NotFoundError(MEDIA_NOT_FOUND)
    file_name = f"{_stem(asset.original_file_name)}_{size.value}{extension_of(chosen.path)}"
    return await media_file(_local(storage, chosen.path), file_name=file_name)


async def playback(db: AsyncSession, storage: Storage, auth: AuthContext, asset_id: uuid.UUID) -> MediaFile:
    """``GET /assets/{id}/video/playback``: the transcoded video when there is one, else the original."""
    await require_assets(db, auth, Permission.ASSET_VIEW, [asset_id])
    asset = await _asset(db, asset_id)
    if asset.type != AssetType.VIDEO:
        raise BadRequestError("Asset is not a video")
    files = await AssetFileRepository(db).of_asset(asset_id)
    encoded = _file(files, AssetFileType.ENCODED_VIDEO, edited=False)
    key = encoded.path if encoded is not None else asset.encoded_video_path
    if key:
        return await media_file(_local(storage, key))
    return await media_file(
        _original(storage, asset),
        etag=f'"{asset.checksum.hex()}"',
        content_type=mime_type_of(asset.original_file_name),
    )


async def _asset(db: AsyncSession, asset_id: uuid.UUID) -> Asset:
    asset = await AssetRepository(db).get(asset_id)
    if asset is None:
        raise BadRequestError("Asset not found")
    return asset


def _file(files: Sequence[AssetFile], file_type: AssetFileType, *, edited: bool) -> AssetFile | None:
    return next((file for file in files if file.type == file_type and file.is_edited == edited), None)


def _local(storage: Storage, key: str) -> Path:
    try:
        return storage.local_path(key)
    except InvalidStorageKeyError:
        raise NotFoundError(MEDIA_NOT_FOUND) from None


def _original(storage: Storage, asset: Asset) -> Path:
    try:
        return original_location(storage, asset)
    except InvalidStorageKeyError:
        raise NotFoundError(MEDIA_NOT_FOUND) from None


def _stem(file_name: str) -> str:
    return posixpath.splitext(posixpath.basename(file_name.replace("\\", "/")))[0]


def _is_web_image(asset: Asset) -> bool:
    return extension_of(asset.original_file_name) in WEB_SUPPORTED_IMAGES
