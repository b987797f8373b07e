"""The integrity scans as jobs on the ``integrityCheck`` queue.

The "queue all" jobs page through the database (or walk the media folders) and queue one job per
batch, so a library of a million files is checked in small, retryable pieces. A scan also drops the
reports it finds outdated; the ``*Refresh`` jobs re-check only the existing reports.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.repositories.integrity import FileReference, IntegrityRepository, OriginalChecksum
from albumen.db.repositories.system_metadata import SystemMetadataRepository
from albumen.dto.integrity import IntegrityReport
from albumen.jobs import JobContext, JobName, JobRegistry, enqueue
from albumen.services import system_config
from albumen.services.integrity import apply_resolution, local_file
from albumen.storage.base import StorageFolder

if TYPE_CHECKING:
    from albumen.services.pipeline.context import Pipeline

logger = logging.getLogger(__name__)

BATCH = 500
HASH_CHUNK = 1024 * 1024
CHECKPOINT_KEY = "integrity-checksum-checkpoint"
#: Folders whose every file should belong to a row (``library/`` holds external files, not ours).
TRACKED_FOLDERS = (StorageFolder.UPLOAD, StorageFolder.THUMBNAILS, StorageFolder.ENCODED_VIDEO)

MISSING = IntegrityReport.MISSING_FILE.value
UNTRACKED = IntegrityReport.UNTRACKED_FILE.value
CHECKSUM = IntegrityReport.CHECKSUM_MISMATCH.value


async def _queue(database: Database, name: JobName, data: dict[str, Any]) -> None:
    async with database.session() as session, session.begin():
        await enqueue(session, name, data)


def _exists(settings: Settings, key: str) -> bool:
    path = local_file(settings, key)
    return path is not None and path.is_file()


# -- missing files --------------------------------------------------------------------------------


async def queue_missing_files(database: Database, settings: Settings, data: dict[str, Any]) -> None:
    if data.get("refreshOnly"):
        await _queue(database, JobName.INTEGRITY_MISSING_FILES_REFRESH, {})
        return
    for kind in ("original", "derived"):
        after: uuid.UUID | None = None
        while True:
            async with database.session() as session:
                repository = IntegrityRepository(session)
                fetch = (
                    repository.original_references if kind == "original" else repository.derived_references
                )
                batch = await fetch(after, BATCH)
            if not batch:
                break
            items = [_reference_item(reference) for reference in batch]
            await _queue(database, JobName.INTEGRITY_MISSING_FILES, {"items": items})
            last = batch[-1]
            after = last.asset_id if kind == "original" else last.file_asset_id


def _reference_item(reference: FileReference) -> dict[str, str | None]:
    return {
        "path": reference.path,
        "assetId": str(reference.asset_id) if reference.asset_id else None,
        "fileAssetId": str(reference.file_asset_id) if reference.file_asset_id else None,
    }


async def check_missing_files(database: Database, settings: Settings, data: dict[str, Any]) -> None:
    items: list[dict[str, Any]] = data.get("items", [])
    present = await asyncio.to_thread(lambda: [_exists(settings, item["path"]) for item in items])
    missing = [
        {
            "type": MISSING,
            "path": item["path"],
            "asset_id": item.get("assetId"),
            "file_asset_id": item.get("fileAssetId"),
        }
        for item, exists in zip(items, present, strict=True)
        if not exists
    ]
    found = [item["path"] for item, exists in zip(items, present, strict=True) if exists]
    async with database.session() as session, session.begin():
        repository = IntegrityRepository(session)
        await repository.delete_paths(MISSING, found)
        await repository.create_many(missing)
    if missing:
        logger.warning("integrity: %d missing file(s)", len(missing))


async def _refresh(
    database: Database, report_type: str, outdated: Callable[[list[Any]], Awaitable[list[uuid.UUID]]]
) -> None:
    after: uuid.UUID | None = None
    while True:
        async with database.session() as session:
            reports = list(await IntegrityRepository(session).page(report_type, after, BATCH))
        if not reports:
            return
        stale = await outdated(reports)
        async with database.session() as session, session.begin():
            await IntegrityRepository(session).delete_ids(stale)
        after = reports[-1].id


async def refresh_missing_files(database: Database, settings: Settings, data: dict[str, Any]) -> None:
    async def outdated(reports: list[Any]) -> list[uuid.UUID]:
        exists = await asyncio.to_thread(lambda: [_exists(settings, report.path) for report in reports])
        return [report.id for report, found in zip(reports, exists, strict=True) if found]

    await _refresh(database, MISSING, outdated)


# -- untracked files ------------------------------------------------------------------------------


def _walk_keys(settings: Settings) -> Iterator[list[str]]:
    """Storage keys of the files under the tracked folders, in batches; hidden entries (the upload
    staging folder, partial writes) are skipped."""
    batch: list[str] = []
    for folder in TRACKED_FOLDERS:
        base = settings.media_root / folder.value
        for directory, subdirectories, files in os.walk(base):
            subdirectories[:] = sorted(name for name in subdirectories if not name.startswith("."))
            relative = os.path.relpath(directory, settings.media_root).replace(os.sep, "/")
            for name in sorted(files):
                if not name.startswith("."):
                    batch.append(f"{relative}/{name}")
                    if len(batch) >= BATCH:
                        yield batch
                        batch = []
    if batch:
        yield batch


async def queue_untracked_files(database: Database, settings: Settings, data: dict[str, Any]) -> None:
    if data.get("refreshOnly"):
        await _queue(database, JobName.INTEGRITY_UNTRACKED_REFRESH, {})
        return
    batches = _walk_keys(settings)
    while (batch := await asyncio.to_thread(next, batches, None)) is not None:
        await _queue(database, JobName.INTEGRITY_UNTRACKED_FILES, {"paths": batch})


async def check_untracked_files(database: Database, settings: Settings, data: dict[str, Any]) -> None:
    paths: list[str] = data.get("paths", [])
    async with database.session() as session, session.begin():
        repository = IntegrityRepository(session)
        known = await repository.known_paths(paths)
        untracked = [path for path in paths if path not in known]
        await repository.delete_paths(UNTRACKED, sorted(known))
        await repository.create_many([{"type": UNTRACKED, "path": path} for path in untracked])
    if untracked:
        logger.warning("integrity: %d untracked file(s)", len(untracked))


async def refresh_untracked_files(database: Database, settings: Settings, data: dict[str, Any]) -> None:
    async def outdated(reports: list[Any]) -> list[uuid.UUID]:
        paths = [report.path for report in reports]
        async with database.session() as session:
            known = await IntegrityRepository(session).known_paths(paths)
        exists = await asyncio.to_thread(lambda: [_exists(settings, path) for path in paths])
        return [
            report.id
            for report, found in zip(reports, exists, strict=True)
            if not found or report.path in known
        ]

    await _refresh(database, UNTRACKED, outdated)


# -- checksums ------------------------------------------------------------------------------------


def sha1_of(path: os.PathLike[str] | str) -> bytes | None:
    """The file's SHA-1, or None when it does not exist (the missing-files scan reports that)."""
    digest = hashlib.sha1(usedforsecurity=False)
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(HASH_CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.digest()


async def check_checksums(database: Database, settings: Settings, data: dict[str, Any]) -> None:
    """Re-hash originals, oldest first, for at most ``timeLimit`` ms or ``percentageLimit`` of the
    library per run, continuing next run where this one stopped (Immich's checkpoint)."""
    if data.get("refreshOnly"):
        await _queue(database, JobName.INTEGRITY_CHECKSUM_FILES_REFRESH, {})
        return
    async with database.session() as session:
        limits = (await system_config.get_config(session, settings)).integrityChecks.checksumFiles
        total = await IntegrityRepository(session).asset_count()
        checkpoint = await SystemMetadataRepository(session).get(CHECKPOINT_KEY)
    after = _checkpoint(checkpoint)
    deadline = time.monotonic() + limits.timeLimit / 1000
    budget = max(1, int(total * limits.percentageLimit)) if limits.percentageLimit < 1 else total
    processed = 0
    stopped_at: tuple[datetime, uuid.UUID] | None = None
    wrapped = after is None
    while processed < budget:
        async with database.session() as session:
            batch = list(await IntegrityRepository(session).originals(after, min(BATCH, budget - processed)))
        if not batch:
            if wrapped:
                break
            after, wrapped = None, True  # the checkpoint was near the end: go round once from the start
            continue
        results = await asyncio.to_thread(_hash_all, settings, batch)
        mismatched = [o for o, digest in results if digest is not None and digest != o.checksum]
        fine = [o.path for o, digest in results if digest is None or digest == o.checksum]
        async with database.session() as session, session.begin():
            repository = IntegrityRepository(session)
            await repository.delete_paths(CHECKSUM, fine)
            await repository.create_many(
                [{"type": CHECKSUM, "path": o.path, "asset_id": o.asset_id} for o in mismatched]
            )
        processed += len(batch)
        after = (batch[-1].created_at, batch[-1].asset_id)
        stopped_at = after
        if time.monotonic() > deadline:
            break
    finished = processed >= total or stopped_at is None
    async with database.session() as session, session.begin():
        await SystemMetadataRepository(session).set(
            CHECKPOINT_KEY,
            {} if finished else {"createdAt": stopped_at[0].isoformat(), "id": str(stopped_at[1])},  # type: ignore[index]
        )
    logger.info("integrity: checked the checksums of %d of %d original(s)", processed, total)


def _hash_all(
    settings: Settings, batch: list[OriginalChecksum]
) -> list[tuple[OriginalChecksum, bytes | None]]:
    return [(original, _hash_key(settings, original.path)) for original in batch]


def _hash_key(settings: Settings, key: str) -> bytes | None:
    path = local_file(settings, key)
    return sha1_of(path) if path is not None else None


def _checkpoint(stored: object) -> tuple[datetime, uuid.UUID] | None:
    if isinstance(stored, dict) and stored.get("createdAt") and stored.get("id"):
        return datetime.fromisoformat(stored["createdAt"]), uuid.UUID(stored["id"])
    return None


async def refresh_checksums(database: Database, settings: Settings, data: dict[str, Any]) -> None:
    async def outdated(reports: list[Any]) -> list[uuid.UUID]:
        stale = []
        for report in reports:
            async with database.session() as session:
                expected = (
                    await IntegrityRepository(session).checksum_of(report.asset_id)
                    if report.asset_id
                    else None
                )
            digest = await asyncio.to_thread(_hash_key, settings, report.path)
            if expected is None or digest is None or digest == expected:
                stale.append(report.id)
        return stale

    await _refresh(database, CHECKSUM, outdated)


# -- resolving reports in bulk --------------------------------------------------------------------


async def delete_report_type(database: Database, settings: Settings, data: dict[str, Any]) -> None:
    report_type = IntegrityReport(data["type"]).value
    while True:
        async with database.session() as session:
            reports = list(await IntegrityRepository(session).page(report_type, None, BATCH))
            for report in reports:
                await apply_resolution(session, settings, report)
            await session.commit()
        if len(reports) < BATCH:
            return


async def delete_reports(database: Database, settings: Settings, data: dict[str, Any]) -> None:
    async with database.session() as session:
        repository = IntegrityRepository(session)
        for report_id in data.get("reportIds", []):
            report = await repository.get(uuid.UUID(report_id))
            if report is not None:
                await apply_resolution(session, settings, report)
        await session.commit()


Handler = Callable[[Database, Settings, dict[str, Any]], Awaitable[None]]

HANDLERS: dict[JobName, Handler] = {
    JobName.INTEGRITY_MISSING_FILES_QUEUE_ALL: queue_missing_files,
    JobName.INTEGRITY_MISSING_FILES: check_missing_files,
    JobName.INTEGRITY_MISSING_FILES_REFRESH: refresh_missing_files,
    JobName.INTEGRITY_UNTRACKED_FILES_QUEUE_ALL: queue_untracked_files,
    JobName.INTEGRITY_UNTRACKED_FILES: check_untracked_files,
    JobName.INTEGRITY_UNTRACKED_REFRESH: refresh_untracked_files,
    JobName.INTEGRITY_CHECKSUM_FILES: check_checksums,
    JobName.INTEGRITY_CHECKSUM_FILES_REFRESH: refresh_checksums,
    JobName.INTEGRITY_DELETE_REPORT_TYPE: delete_report_type,
    JobName.INTEGRITY_DELETE_REPORTS: delete_reports,
}


def register_integrity_jobs(registry: JobRegistry, settings: Settings) -> None:
    """Add every ``integrityCheck`` handler to a worker's registry."""
    for name, handler in HANDLERS.items():
        registry.register(name, _bind(handler, settings))


def integrity_jobs(pipeline: Pipeline) -> JobRegistry:
    """The ``FEATURE_REGISTRIES`` factory of :mod:`albumen.services.pipeline.registry`."""
    registry = JobRegistry()
    register_integrity_jobs(registry, pipeline.settings)
    return registry


def _bind(handler: Handler, settings: Settings) -> Callable[[JobContext], Awaitable[None]]:
    async def run(ctx: JobContext) -> None:
        await handler(ctx.database, settings, ctx.data)

    run.__name__ = handler.__name__
    return run
