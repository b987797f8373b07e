"""Where media files live, addressed by storage keys such as ``profile/<userId>/<uuid>.jpg``.

A key is always relative to the media root and uses ``/``; services keep keys in the database so the
media root can move (or become an object store) without rewriting rows.
"""

from __future__ import annotations

import posixpath
from enum import StrEnum
from pathlib import Path
from typing import Protocol


class StorageFolder(StrEnum):
    """Immich's top-level folders under the media location."""

    UPLOAD = "upload"
    LIBRARY = "library"
    THUMBNAILS = "thumbs"
    ENCODED_VIDEO = "encoded-video"
    PROFILE = "profile"
    BACKUPS = "backups"


#: Per-user folders removed when a user is purged (the library folder is named after the storage label).
USER_FOLDERS = (
    StorageFolder.UPLOAD,
    StorageFolder.PROFILE,
    StorageFolder.THUMBNAILS,
    StorageFolder.ENCODED_VIDEO,
    StorageFolder.LIBRARY,
)


class InvalidStorageKeyError(ValueError):
    """A key that is absolute, empty, or climbs out of the media root."""


def make_key(folder: StorageFolder, *parts: str) -> str:
    """Join ``folder`` and ``parts`` into a key, refusing separators or ``..`` inside a part."""
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\x00" in part:
            raise InvalidStorageKeyError(f"invalid path component: {part!r}")
    return "/".join((folder.value, *parts))


def normalise_key(key: str) -> str:
    """The canonical form of ``key``; raises :class:`InvalidStorageKeyError` for unsafe keys."""
    if not key or "\x00" in key or "\\" in key or key.startswith("/"):
        raise InvalidStorageKeyError(f"invalid storage key: {key!r}")
    normalised = posixpath.normpath(key)
    if normalised in (".", "..") or normalised.startswith("../"):
        raise InvalidStorageKeyError(f"invalid storage key: {key!r}")
    return normalised


class Storage(Protocol):
    """The operations services need; :class:`albumen.storage.local.LocalStorage` implements them."""

    def ensure_layout(self) -> None:
        """Create the standard folders if missing."""

    def staging_dir(self) -> Path:
        """A local folder for uploads in progress, on the same filesystem as the uploads' final place."""
        ...

    async def adopt(self, staged: Path, key: str) -> None:
        """Move a fully written staged file to ``key`` atomically and durably."""

    async def write(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` atomically (readers never see a partial file)."""

    async def read(self, key: str) -> bytes:
        """The bytes under ``key``; raises ``FileNotFoundError`` if there are none."""

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None:
        """Remove ``key``; a missing file is not an error."""

    async def delete_folder(self, folder: StorageFolder, name: str) -> None:
        """Remove ``<folder>/<name>`` and everything below it; missing is not an error."""

    def local_path(self, key: str) -> Path:
        """A filesystem path for ``key`` (for sending files with ``sendfile``)."""
        ...
