"""A worker's "I am alive" row, renewed every few seconds, so readiness can tell workers run.

Job leases only move while a worker holds jobs; an idle worker would look dead without this.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import timedelta

from albumen.db.engine import Database
from albumen.db.repositories.worker_heartbeats import WorkerHeartbeatRepository

logger = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_SECONDS = 10.0
#: A worker not seen for this long counts as gone (readiness) and, after a day, is forgotten.
HEARTBEAT_TIMEOUT = timedelta(seconds=60)
FORGET_AFTER = timedelta(days=1)


async def beat(database: Database, worker_id: str) -> None:
    async with database.session() as session, session.begin():
        await WorkerHeartbeatRepository(session).beat(worker_id)


async def run_heartbeat(
    database: Database,
    worker_id: str,
    stop_event: asyncio.Event,
    *,
    interval: float = HEARTBEAT_INTERVAL_SECONDS,
) -> None:
    """Beat until ``stop_event`` is set, then remove the row: a stopped worker is not a dead one."""
    try:
        first = True
        while not stop_event.is_set():
            try:
                await beat(database, worker_id)
                if first:
                    async with database.session() as session, session.begin():
                        await WorkerHeartbeatRepository(session).prune(FORGET_AFTER)
                    first = False
            except Exception as error:
                logger.warning("job worker %s: heartbeat failed: %s", worker_id, error)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop_event.wait(), interval)
    finally:
        with suppress(Exception):
            async with database.session() as session, session.begin():
                await WorkerHeartbeatRepository(session).remove(worker_id)
