"""Gauges read from the database and the disk, refreshed when Prometheus scrapes (at most every few
seconds, so several scrapers or a fast interval do not add load)."""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.repositories.metrics import MetricsRepository
from albumen.db.repositories.system_metadata import SystemMetadataRepository
from albumen.jobs import QueueName, queue_states
from albumen.metrics import (
    ASSETS,
    BACKUP_LAST_SUCCESS,
    DB_POOL,
    DB_UP,
    QUEUE_JOBS,
    QUEUE_OLDEST_WAITING,
    STORAGE,
)

logger = logging.getLogger(__name__)

#: Where the backup job records its last success (``albumen.services.backups`` writes it).
BACKUP_STATUS_KEY = "albumen-database-backup"
CACHE_SECONDS = 5.0
ASSET_TYPES = ("IMAGE", "VIDEO")


@dataclass
class GaugeRefresher:
    database: Database
    settings: Settings
    cache_seconds: float = CACHE_SECONDS
    _refreshed_at: float = field(default=-1e9, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    async def refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._refreshed_at < self.cache_seconds:
                return
            await asyncio.to_thread(_storage, self.settings.media_root)
            await self._database()
            self._pool()
            self._refreshed_at = time.monotonic()

    def _pool(self) -> None:
        pool = self.database.engine.pool
        checked_out = int(getattr(pool, "checkedout", lambda: 0)())
        idle = int(getattr(pool, "checkedin", lambda: 0)())
        overflow = int(getattr(pool, "overflow", lambda: 0)())
        DB_POOL.labels("checked_out").set(checked_out)
        DB_POOL.labels("idle").set(idle)
        DB_POOL.labels("overflow").set(max(0, overflow))

    async def _database(self) -> None:
        try:
            async with asyncio.timeout(5), self.database.session() as session:
                repository = MetricsRepository(session)
                await repository.ping()
                states = await queue_states(session)
                oldest = await repository.oldest_waiting_seconds()
                assets = await repository.asset_counts()
                backup = await SystemMetadataRepository(session).get(BACKUP_STATUS_KEY)
        except Exception as error:
            logger.warning("metrics: the database did not answer: %s", error)
            DB_UP.set(0)
            return
        DB_UP.set(1)
        for queue in QueueName:
            for state, count in states[queue].statistics.as_dict().items():
                QUEUE_JOBS.labels(queue.value, state).set(count)
            QUEUE_OLDEST_WAITING.labels(queue.value).set(oldest.get(queue.value, 0.0))
        for asset_type in ASSET_TYPES:
            ASSETS.labels(asset_type).set(assets.get(asset_type, 0))
        last_success = backup.get("lastSuccessAt") if isinstance(backup, dict) else None
        if isinstance(last_success, str):
            BACKUP_LAST_SUCCESS.set(datetime.fromisoformat(last_success).timestamp())


def _storage(media_root: Path) -> None:
    folder = next((path for path in (media_root, *media_root.parents) if path.exists()), Path("/"))
    usage = shutil.disk_usage(folder)
    STORAGE.labels("total").set(usage.total)
    STORAGE.labels("free").set(usage.free)
    STORAGE.labels("used").set(usage.used)
