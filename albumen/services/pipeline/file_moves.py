"""Moving an asset's files without ever losing one: record, rename, then point the row at the new path."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from albumen.db.repositories.asset_pipeline import AssetPipelineRepository
from albumen.db.tables import Asset
from albumen.services.pipeline.context import Pipeline
from albumen.storage.base import StorageFolder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileMove:
    """``path_type`` is ``original`` or ``sidecar`` (Immich's AssetPathType)."""

    path_type: str
    old_key: str
    new_key: str


_NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK})


class ChecksumMismatchError(OSError):
    """A copy across file systems did not read back with the original's checksum."""


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def move_file(source: Path, target: Path, checksum: bytes | None) -> None:
    """Move ``source`` to ``target`` durably, never overwriting ``target``. Within one file system a
    hard link then an unlink; across file systems a copy, checked against ``checksum`` when given."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError as error:
        if error.errno in _NO_HARD_LINKS:
            # A file system without hard links (some network mounts): a plain rename, after checking.
            if target.exists():
                raise FileExistsError(errno.EEXIST, "target exists", str(target)) from None
            os.rename(source, target)
            _fsync_directory(target.parent)
            _fsync_directory(source.parent)
            return
        if error.errno != errno.EXDEV:
            raise
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            shutil.copyfile(source, temporary)
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
                if checksum is not None and hashlib.file_digest(handle, "sha1").digest() != checksum:
                    raise ChecksumMismatchError(f"copy of {source} does not match its checksum") from None
            os.link(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    _fsync_directory(target.parent)
    source.unlink()
    _fsync_directory(source.parent)


def _apply_on_disk(pipeline: Pipeline, move: FileMove, checksum: bytes | None) -> None:
    source = pipeline.storage.local_path(move.old_key)
    target = pipeline.storage.local_path(move.new_key)
    if target.exists() and not source.exists():
        return  # renamed before a crash
    if source.exists():
        move_file(source, target, checksum if move.path_type == "original" else None)


async def move_files(pipeline: Pipeline, asset: Asset, moves: list[FileMove], *, verify: bool) -> None:
    """Record ``moves``, perform them, then update the asset's paths and forget the record."""
    async with pipeline.database.session() as db, db.begin():
        repository = AssetPipelineRepository(db)
        for move in moves:
            await repository.record_move(asset.id, move.path_type, move.old_key, move.new_key)
    checksum = asset.checksum if verify else None
    for move in moves:
        await asyncio.to_thread(_apply_on_disk, pipeline, move, checksum)
    await _finish(pipeline, asset.id, moves, asset.original_path, asset.sidecar_path)
    logger.info("asset %s moved to %s", asset.id, moves[0].new_key)


async def _finish(
    pipeline: Pipeline, asset_id: uuid.UUID, moves: list[FileMove], original: str, sidecar: str | None
) -> None:
    for move in moves:
        if move.path_type == "original":
            original = move.new_key
        elif move.path_type == "sidecar":
            sidecar = move.new_key
    async with pipeline.database.session() as db, db.begin():
        repository = AssetPipelineRepository(db)
        await repository.set_paths(asset_id, original, sidecar)
        await repository.finish_moves(asset_id)


async def resume_moves(pipeline: Pipeline, asset_id: uuid.UUID) -> None:
    """Finish moves of this asset that a crash interrupted (the file may or may not be renamed yet)."""
    async with pipeline.database.session() as db:
        repository = AssetPipelineRepository(db)
        pending = await repository.pending_moves(asset_id)
        if not pending:
            return
        loaded = await repository.get_with_exif(asset_id)
    if loaded is None:
        async with pipeline.database.session() as db, db.begin():
            await AssetPipelineRepository(db).finish_moves(asset_id)
        return
    asset = loaded[0]
    moves = [FileMove(row.path_type, row.old_path, row.new_path) for row in pending]
    for move in moves:
        await asyncio.to_thread(_apply_on_disk, pipeline, move, None)
    await _finish(pipeline, asset_id, moves, asset.original_path, asset.sidecar_path)
    logger.warning("asset %s: finished an interrupted move to %s", asset_id, moves[0].new_key)


def _prune(root: Path) -> None:
    for directory, _, files in os.walk(root, topdown=False):
        if directory != str(root) and not files:
            with contextlib.suppress(OSError):  # still holds a folder, or already gone
                os.rmdir(directory)


async def prune_empty_folders(pipeline: Pipeline, folder: StorageFolder) -> None:
    """Remove the empty folders under ``folder`` that moves left behind."""
    await asyncio.to_thread(_prune, pipeline.storage.root / folder.value)
