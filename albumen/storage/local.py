"""Media on the local filesystem, laid out like Immich's media location."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

from albumen.storage.base import InvalidStorageKeyError, StorageFolder, make_key, normalise_key

#: Under ``upload/``; a dot-folder so it never collides with a user id.
STAGING_FOLDER = ".staging"


class LocalStorage:
    """Files under ``root``; every key is checked to resolve inside ``root`` (symlinks included)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def ensure_layout(self) -> None:
        for folder in StorageFolder:
            (self.root / folder.value).mkdir(parents=True, exist_ok=True)

    def local_path(self, key: str) -> Path:
        path = self.root / normalise_key(key)
        root = self.root.resolve()
        if not path.resolve().is_relative_to(root) or path.resolve() == root:
            raise InvalidStorageKeyError(f"storage key leaves the media root: {key!r}")
        return path

    def staging_dir(self) -> Path:
        """Where uploads arrive: on the same filesystem as their final place, so adopting is a rename."""
        return self.root / StorageFolder.UPLOAD.value / STAGING_FOLDER

    async def adopt(self, staged: Path, key: str) -> None:
        """Move a fully written (fsynced) staged file to ``key`` atomically and make the rename durable."""
        await asyncio.to_thread(self._adopt, staged, self.local_path(key))

    @staticmethod
    def _adopt(staged: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    async def write(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self.local_path(key), data)

    async def read(self, key: str) -> bytes:
        return await asyncio.to_thread(self.local_path(key).read_bytes)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.local_path(key).is_file)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.local_path(key).unlink, missing_ok=True)

    async def delete_folder(self, folder: StorageFolder, name: str) -> None:
        path = self.local_path(make_key(folder, name))
        await asyncio.to_thread(shutil.rmtree, path, ignore_errors=True)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
