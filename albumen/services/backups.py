"""Database backups: ``pg_dump`` into ``<media>/backups/`` on Immich's ``backup.database`` schedule or on
demand, listing, download, upload, deletion, and restoring a dump (refusing one from a newer schema).

Routine dumps are named ``albumen-db-backup-<YYYYMMDDTHHMMSS>-v<version>-pg<major>.sql.gz`` (Immich
names its own ``immich-db-backup-...``), uploads get an ``uploaded-`` prefix and the dump taken just
before a restore a ``restore-point-`` one; only routine dumps are pruned to ``keepLastAmount``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from albumen import metrics
from albumen.config import Settings
from albumen.db.dump import (
    Connection,
    DumpError,
    client_binary,
    dump_revision,
    dump_to_file,
    restore_from_file,
    server_major_version,
)
from albumen.db.engine import Database
from albumen.db.migrate import known_revisions, migrate
from albumen.db.repositories.system_metadata import SystemMetadataRepository
from albumen.dto.backups import DatabaseBackupDto, DatabaseBackupListResponseDto
from albumen.dto.config_admin import AdminConfig
from albumen.jobs import JobContext, JobName, JobRegistry, RetryPolicy, ScheduledJob
from albumen.jobs.schedule import local_timezone
from albumen.metrics.refresh import BACKUP_STATUS_KEY
from albumen.services import system_config
from albumen.services.errors import BadRequestError, NotFoundError
from albumen.storage.base import StorageFolder
from albumen.version import ALBUMEN_VERSION

if TYPE_CHECKING:
    from albumen.services.pipeline.context import Pipeline

logger = logging.getLogger(__name__)

ROUTINE_PREFIX = "albumen-db-backup-"
UPLOADED_PREFIX = "uploaded-"
RESTORE_POINT_PREFIX = "restore-point-"
#: Immich's rule for names the API accepts.
VALID_NAME = re.compile(r"^[A-Za-z0-9_.-]+\.sql(?:\.gz)?$")
ROUTINE_NAME = re.compile(r"^albumen-db-backup-\d{8}T\d{6}-v.+-pg\d+\.sql\.gz$")
#: A ``.tmp`` this old is a dump whose process died; younger ones may still be written.
STALE_PARTIAL_SECONDS = 24 * 3600
GZIP_MAGIC = b"\x1f\x8b"


class DumpFromNewerSchemaError(BadRequestError):
    """The dump was taken by a newer Albumen: restoring it would leave a schema this one can't run."""


class NotAnAlbumenDumpError(BadRequestError):
    """The file has no ``alembic_version`` data: not a dump of an Albumen database."""


def backups_dir(settings: Settings) -> Path:
    return settings.media_root / StorageFolder.BACKUPS.value


def is_valid_name(filename: str) -> bool:
    return VALID_NAME.fullmatch(filename) is not None


# -- making backups -------------------------------------------------------------------------------


async def create_backup(
    database: Database, settings: Settings, *, prefix: str = "", output: Path | None = None
) -> Path:
    """Dump the database now; returns the new file. Routine dumps (no prefix, no ``output``) are
    recorded as the last success, which the ``albumen_backup_last_success_timestamp_seconds`` gauge and
    the "backup too old" alert watch."""
    major = await server_major_version(database.engine)
    pg_dump = await asyncio.to_thread(client_binary, "pg_dump", major)
    stamp = datetime.now(local_timezone()).strftime("%Y%m%dT%H%M%S")
    name = f"{prefix}{ROUTINE_PREFIX}{stamp}-v{ALBUMEN_VERSION}-pg{major}.sql.gz"
    target = output if output is not None else backups_dir(settings) / name
    connection = Connection.from_url(database.engine.url)
    started = time.monotonic()
    size = await asyncio.to_thread(dump_to_file, connection, pg_dump, target)
    logger.info(
        "database backup written",
        extra={"file": str(target), "bytes": size, "seconds": round(time.monotonic() - started, 2)},
    )
    if not prefix and output is None:
        await _record_success(database, target.name)
    return target


async def _record_success(database: Database, filename: str) -> None:
    now = datetime.now(UTC)
    async with database.session() as session, session.begin():
        await SystemMetadataRepository(session).set(
            BACKUP_STATUS_KEY, {"lastSuccessAt": now.isoformat(), "filename": filename}
        )
    metrics.BACKUP_LAST_SUCCESS.set(now.timestamp())


def prune(directory: Path, keep: int) -> list[str]:
    """Delete routine dumps beyond the newest ``keep``, and partial files left by dead processes."""
    removed: list[str] = []
    if not directory.is_dir():
        return removed
    routine = sorted(
        (path for path in directory.iterdir() if ROUTINE_NAME.fullmatch(path.name)), reverse=True
    )
    for path in routine[max(keep, 0) :]:
        path.unlink(missing_ok=True)
        removed.append(path.name)
    for path in directory.glob("*.sql.gz.tmp"):
        if time.time() - path.stat().st_mtime > STALE_PARTIAL_SECONDS:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


async def run_backup_job(database: Database, settings: Settings) -> Path:
    """The ``DatabaseBackup`` job: dump, then prune to ``backup.database.keepLastAmount``."""
    async with database.session() as session:
        config = await system_config.get_config(session, settings)
    target = await create_backup(database, settings)
    removed = await asyncio.to_thread(prune, target.parent, config.backup.database.keepLastAmount)
    if removed:
        logger.info("old database backups removed", extra={"files": removed})
    return target


def register_backup_jobs(registry: JobRegistry, settings: Settings) -> None:
    """Add the ``DatabaseBackup`` handler to a worker's registry."""

    async def database_backup(ctx: JobContext) -> None:
        await run_backup_job(ctx.database, settings)

    registry.register(
        JobName.DATABASE_BACKUP, database_backup, retry=RetryPolicy(max_attempts=2, backoff_seconds=60)
    )


def backup_jobs(pipeline: Pipeline) -> JobRegistry:
    """The ``FEATURE_REGISTRIES`` factory of :mod:`albumen.services.pipeline.registry` (whose nightly
    schedule then runs the backup on ``backup.database.cronExpression``)."""
    registry = JobRegistry()
    register_backup_jobs(registry, pipeline.settings)
    return registry


def backup_schedule(config: Callable[[], AdminConfig | None]) -> list[ScheduledJob]:
    """The nightly backup for a worker's :class:`albumen.jobs.Schedule`. ``config`` returns the current
    admin config (a cached copy: it is called on every schedule check), None while unknown."""

    def cron() -> str | None:
        current = config()
        if current is None or not current.backup.database.enabled:
            return None
        return current.backup.database.cronExpression

    return [ScheduledJob(task="database-backup", cron=cron, job=JobName.DATABASE_BACKUP, dedupe_key="backup")]


# -- the admin API --------------------------------------------------------------------------------


def list_backups(settings: Settings) -> DatabaseBackupListResponseDto:
    """Newest first; uploaded dumps after the server's own, as Immich lists them."""
    directory = backups_dir(settings)
    files = [path for path in directory.iterdir() if is_valid_name(path.name)] if directory.is_dir() else []
    files.sort(key=lambda path: (not path.name.startswith(UPLOADED_PREFIX), path.name), reverse=True)
    zone = _zone_name()
    return DatabaseBackupListResponseDto(
        backups=[
            DatabaseBackupDto(filename=path.name, filesize=path.stat().st_size, timezone=zone)
            for path in files
        ]
    )


def _zone_name() -> str:
    zone = local_timezone()
    return str(getattr(zone, "key", None) or datetime.now(zone).tzname() or "UTC")


def backup_path(settings: Settings, filename: str) -> Path:
    """The existing backup called ``filename``; the name can't leave the backups folder."""
    if not is_valid_name(filename):
        raise BadRequestError("Invalid backup name!")
    path = backups_dir(settings) / filename
    if not path.is_file():
        raise NotFoundError("Backup not found")
    return path


def delete_backups(settings: Settings, filenames: list[str]) -> None:
    if any(not is_valid_name(name) for name in filenames):
        raise BadRequestError("Invalid backup name!")
    for name in filenames:
        (backups_dir(settings) / name).unlink(missing_ok=True)


@dataclass
class IncomingBackup:
    filename: str
    chunks: AsyncIterator[bytes]


async def upload_backup(settings: Settings, upload: IncomingBackup) -> str:
    """Store an uploaded ``.sql.gz`` as ``uploaded-<name>`` (atomically); returns the stored name."""
    name = Path(upload.filename).name
    if not name.endswith(".sql.gz") or not is_valid_name(name):
        raise BadRequestError("Not a valid backup name!")
    directory = backups_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{UPLOADED_PREFIX}{name}"
    partial = directory / f".{target.name}.upload"
    try:
        with open(partial, "wb") as handle:  # noqa: ASYNC230 - small writes between awaits
            first = True
            async for chunk in upload.chunks:
                if first and chunk and not chunk.startswith(GZIP_MAGIC[: len(chunk)]):
                    raise BadRequestError("Not a gzip-compressed SQL dump")
                first = first and not chunk
                handle.write(chunk)
            if first:
                raise BadRequestError("The backup file is empty")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target.name


# -- restoring ------------------------------------------------------------------------------------


def check_restorable(path: Path) -> str:
    """The dump's schema revision, or a clear refusal (read before anything is touched)."""
    revision = dump_revision(path)
    if revision is None:
        raise NotAnAlbumenDumpError(
            f"{path.name} is not a dump of an Albumen database (it holds no alembic_version data)."
        )
    if revision not in known_revisions():
        raise DumpFromNewerSchemaError(
            f"{path.name} was taken from a newer Albumen (schema revision {revision}, unknown to this "
            f"version {ALBUMEN_VERSION}). Upgrade Albumen first, then restore it."
        )
    return revision


async def restore_backup(
    database: Database,
    path: Path,
    progress: Callable[[float], None] | None = None,
) -> str:
    """Replace the database's contents with the dump at ``path``, then migrate it to this version's
    schema (an older dump is upgraded). Returns the dump's revision. Every other session on the
    database is ended; this process's pool is emptied before and after so no dead connection is
    handed out."""
    revision = await asyncio.to_thread(check_restorable, path)
    major = await server_major_version(database.engine)
    psql = await asyncio.to_thread(client_binary, "psql", major)
    connection = Connection.from_url(database.engine.url)
    await database.engine.dispose()
    try:
        await asyncio.to_thread(restore_from_file, connection, psql, path, progress)
    except DumpError as error:
        raise BadRequestError(f"Restoring {path.name} failed: {error}") from error
    finally:
        await database.engine.dispose()
    await migrate(database.engine)
    system_config.invalidate_cache()
    logger.info("database restored", extra={"file": path.name, "revision": revision})
    return revision
