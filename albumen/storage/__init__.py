"""Where files live: a small interface (:class:`Storage`) and its local-filesystem implementation."""

from __future__ import annotations

from pathlib import Path

from albumen.storage.base import (
    USER_FOLDERS,
    InvalidStorageKeyError,
    Storage,
    StorageFolder,
    make_key,
    normalise_key,
)
from albumen.storage.local import LocalStorage


def media_storage(media_root: Path) -> LocalStorage:
    """The storage for a media root (``Settings.media_root``)."""
    return LocalStorage(media_root)


__all__ = [
    "USER_FOLDERS",
    "InvalidStorageKeyError",
    "LocalStorage",
    "Storage",
    "StorageFolder",
    "make_key",
    "media_storage",
    "normalise_key",
]
