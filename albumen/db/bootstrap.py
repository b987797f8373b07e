"""Bring the database up for a process: the embedded cluster or an external server, migrated."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from albumen.config import Settings
from albumen.db.embedded import DataDirLock, EmbeddedPostgres

if TYPE_CHECKING:
    from albumen.db.engine import Database

logger = logging.getLogger(__name__)


@dataclass
class DatabaseRuntime:
    """The database a process uses, and the embedded server and lock it owns (if any)."""

    url: str
    embedded: EmbeddedPostgres | None = None
    lock: DataDirLock | None = None

    def close(self) -> None:
        if self.embedded is not None:
            logger.info("stopping the embedded PostgreSQL")
            self.embedded.stop()
        if self.lock is not None:
            self.lock.release()


def claim_data_dir(settings: Settings) -> DataDirLock | None:
    """Take the data directory's lock when the embedded database is used (None otherwise)."""
    if settings.external_database_url is not None:
        return None
    lock = DataDirLock(settings.data_dir / "albumen.lock")
    lock.acquire()
    return lock


def start_database(settings: Settings, lock: DataDirLock | None = None) -> DatabaseRuntime:
    """Start (or find) the database. With the embedded one, take the data directory's lock first,
    unless ``lock`` is that lock, already taken by :func:`claim_data_dir`."""
    external = settings.external_database_url
    if external is not None:
        return DatabaseRuntime(url=external)
    if lock is None:
        lock = DataDirLock(settings.data_dir / "albumen.lock")
        lock.acquire()
    try:
        embedded = EmbeddedPostgres(settings.pgdata)
        embedded.start()
        embedded.create_database(settings.db_database_name)
    except BaseException:
        lock.release()
        raise
    return DatabaseRuntime(url=embedded.url(settings.db_database_name), embedded=embedded, lock=lock)


async def open_database(runtime: DatabaseRuntime, settings: Settings) -> Database:
    # Imported here: SQLAlchemy and Alembic are slow to import, and the embedded server's start
    # (which needs neither) runs while ``albumen serve`` imports them.
    from albumen.db.engine import Database
    from albumen.db.migrate import migrate

    database = Database.connect(runtime.url, pool_size=settings.db_pool_size)
    await migrate(database.engine)
    return database
