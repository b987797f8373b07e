"""Downloads: split a selection (assets, an album, a user's library) into archives, and stream one as ZIP.

The ZIP is stored (photos and videos don't compress), zip64 when needed, and generated while it is sent:
nothing is built in memory or on disk, and its length is known up front (``Content-Length``).
"""

from __future__ import annotations

import asyncio
import logging
import posixpath
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession
from zipstream import ZIP_STORED, ZipStream

from albumen.db.repositories.assets import AssetRepository
from albumen.dto.download import DownloadArchiveDto, DownloadArchiveInfo, DownloadInfoDto, DownloadResponseDto
from albumen.media.formats import extension_of
from albumen.permissions import Permission
from albumen.services import user_preferences
from albumen.services.access import require_albums, require_assets
from albumen.services.asset_media import original_location
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError
from albumen.storage.base import InvalidStorageKeyError, Storage

logger = logging.getLogger(__name__)

#: Immich's default archive size when the request gives none.
DEFAULT_ARCHIVE_SIZE = 4 * 1024**3
_UNSAFE_NAME = re.compile(r'[/\\?<>:*|"\x00-\x1f\x80-\x9f]')
_ANDROID_MOTION_FOLDER = "encoded-video/"


async def info(db: AsyncSession, auth: AuthContext, dto: DownloadInfoDto) -> DownloadResponseDto:
    """Immich's packing: assets in order, a new archive once one passes ``archiveSize``; live photos'
    motion videos follow at the end (embedded Android ones only with the user's preference)."""
    assets = AssetRepository(db)
    if dto.assetIds is not None:
        await require_assets(db, auth, Permission.ASSET_DOWNLOAD, dto.assetIds)
        rows = await assets.download_sizes(asset_ids=list(dict.fromkeys(dto.assetIds)))
    elif dto.albumId is not None:
        await require_albums(db, auth, Permission.ALBUM_DOWNLOAD, [dto.albumId])
        rows = await assets.download_sizes(album_id=dto.albumId)
    elif dto.userId is not None:
        if dto.userId != auth.user_id or auth.shared_link is not None:
            raise BadRequestError(f"Not found or no {Permission.TIMELINE_DOWNLOAD.value} access")
        rows = await assets.download_sizes(owner_id=dto.userId)
    else:
        raise BadRequestError("assetIds, albumId, or userId is required")

    target = dto.archiveSize or DEFAULT_ARCHIVE_SIZE
    archives: list[DownloadArchiveInfo] = []
    current = DownloadArchiveInfo(size=0, assetIds=[])

    def add(asset_id: uuid.UUID, size: int) -> None:
        nonlocal current
        current.assetIds.append(str(asset_id))
        current.size += size
        if current.size > target:
            archives.append(current)
            current = DownloadArchiveInfo(size=0, assetIds=[])

    for asset_id, _, size in rows:
        add(asset_id, size)
    motion_ids = list(dict.fromkeys(motion for _, motion, _ in rows if motion is not None))
    if motion_ids:
        preferences = await user_preferences.get_preferences(db, auth.user_id)
        with_embedded = preferences.download.includeEmbeddedVideos
        paths = {asset.id: asset.original_path for asset in await assets.get_many(motion_ids)}
        for asset_id, _, size in await assets.download_sizes(asset_ids=motion_ids):
            if paths.get(asset_id, "").startswith(_ANDROID_MOTION_FOLDER) and not with_embedded:
                continue
            add(asset_id, size)
    if current.assetIds:
        archives.append(current)
    return DownloadResponseDto(totalSize=sum(archive.size for archive in archives), archives=archives)


@dataclass(frozen=True)
class Archive:
    """A ZIP ready to stream: iterate ``chunks`` (blocking file reads: iterate it in a thread)."""

    name: str
    size: int
    chunks: Iterator[bytes]


async def archive(db: AsyncSession, storage: Storage, auth: AuthContext, dto: DownloadArchiveDto) -> Archive:
    """The originals of ``assetIds`` in a ZIP, named like Immich's (``IMG.jpg``, ``IMG+1.jpg``...)."""
    await require_assets(db, auth, Permission.ASSET_DOWNLOAD, dto.assetIds)
    assets = AssetRepository(db)
    ids = list(dict.fromkeys(dto.assetIds))
    by_id = {asset.id: asset for asset in await assets.get_many(ids)}
    edited = await assets.edited_fullsize_paths(ids) if dto.edited else {}
    entries: list[tuple[Path, str]] = []
    used: dict[str, int] = {}
    for asset_id in ids:
        asset = by_id.get(asset_id)
        if asset is None:
            continue
        name = safe_file_name(asset.original_file_name)
        try:
            if asset_id in edited:
                path = storage.local_path(edited[asset_id])
                name = posixpath.splitext(name)[0] + extension_of(edited[asset_id])
            else:
                path = original_location(storage, asset)
        except InvalidStorageKeyError:
            logger.warning("asset file outside the media root", extra={"asset_id": str(asset_id)})
            continue
        entries.append((path, _numbered(name, used)))
    zip_stream = await asyncio.to_thread(_zip, entries)
    archive_name = safe_file_name(dto.archiveName or "immich") or "immich"
    if not archive_name.lower().endswith(".zip"):
        archive_name += ".zip"
    return Archive(name=archive_name, size=len(zip_stream), chunks=iter(zip_stream))


def _zip(entries: list[tuple[Path, str]]) -> ZipStream:
    zip_stream = ZipStream(compress_type=ZIP_STORED, sized=True)
    for path, name in entries:
        try:
            zip_stream.add_path(str(path), name, recurse=False)
        except FileNotFoundError:
            logger.warning("asset file missing from the download", extra={"path": str(path)})
    return zip_stream


def _numbered(name: str, used: dict[str, int]) -> str:
    """Immich's de-duplication inside an archive: the second ``IMG.jpg`` is ``IMG+1.jpg``."""
    count = used.get(name, 0)
    used[name] = count + 1
    if count == 0:
        return name
    stem, extension = posixpath.splitext(name)
    return f"{stem}+{count}{extension}"


def safe_file_name(name: str) -> str:
    """A file name with no path separators, control or reserved characters (``sanitize-filename``)."""
    cleaned = _UNSAFE_NAME.sub("", name).strip()
    if cleaned in ("", ".", ".."):
        return "unnamed"
    return cleaned[:255]
