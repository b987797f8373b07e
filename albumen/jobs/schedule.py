"""Cron-driven jobs (Immich's nightly tasks, the database backup), fired once per tick across processes.

Every worker process runs a ``Schedule``; for each due tick they race to insert ``(task, tick)`` into
``job_schedule_tick`` and only the winner queues the job, in the same transaction. A tick missed while
every process was down fires late if it is at most ``misfire_grace`` old, else it is skipped (Immich does
not catch up either). Ticks from before a task was first scheduled on this server are never caught up,
so a fresh install started at 02:01 does not back up its empty database at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from albumen.db.engine import Database
from albumen.db.repositories.jobs import JobRepository
from albumen.db.repositories.system_metadata import SystemMetadataRepository
from albumen.jobs.names import JobName
from albumen.jobs.queue import enqueue

logger = logging.getLogger(__name__)

#: ``system_metadata`` document: ISO time any process first ran the schedule (kept forever).
FIRST_SEEN_KEY = "albumen-schedule-first-seen"
#: One start time for every task: a task switched on later still fires at its next tick.
FIRST_SEEN_FIELD = "schedule"


def daily_at(start_time: str) -> str:
    """Immich's ``nightlyTasks.startTime`` (``"HH:MM"``) as a cron expression."""
    hours, minutes = (int(part) for part in start_time.split(":"))
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"invalid time of day {start_time!r}")
    return f"{minutes} {hours} * * *"


def local_timezone() -> tzinfo:
    """The zone ``TZ`` names (as Immich's container does), else the system's current offset."""
    name = os.environ.get("TZ")
    if name:
        with suppress(ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(name.removeprefix(":"))
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


@dataclass(frozen=True)
class ScheduledJob:
    """Queue ``job`` on every tick of ``cron``. ``cron`` may be a callable read on every check, so an
    admin config change applies at once; it returns None while the task is disabled."""

    task: str
    cron: str | Callable[[], str | None]
    job: JobName
    data: dict[str, Any] | Callable[[], dict[str, Any]] = field(default_factory=dict)
    dedupe_key: str | None = None

    def expression(self) -> str | None:
        return self.cron() if callable(self.cron) else self.cron

    def job_data(self) -> dict[str, Any]:
        return self.data() if callable(self.data) else dict(self.data)


class Schedule:
    def __init__(
        self,
        database: Database,
        jobs: Sequence[ScheduledJob],
        *,
        timezone: tzinfo | None = None,
        check_interval: float = 1.0,
        misfire_grace: timedelta = timedelta(minutes=5),
        tick_retention: timedelta = timedelta(days=7),
    ) -> None:
        self.database = database
        self.jobs = list(jobs)
        self.timezone = timezone or local_timezone()
        self.check_interval = check_interval
        self.misfire_grace = misfire_grace
        self.tick_retention = tick_retention
        # Ticks this process already settled (fired or lost the race): spares a query per check.
        self._settled: dict[str, datetime] = {}
        self._first_seen: dict[str, datetime] = {}

    def latest_tick(self, scheduled: ScheduledJob, now: datetime) -> datetime | None:
        expression = scheduled.expression()
        if not expression:
            return None
        if not croniter.is_valid(expression):
            logger.warning("scheduled task %s: invalid cron expression %r", scheduled.task, expression)
            return None
        tick: datetime = croniter(expression, now.astimezone(self.timezone)).get_prev(datetime)
        return tick

    async def check(self, now: datetime | None = None) -> list[str]:
        """Queue the jobs whose latest tick is due and not yet fired anywhere; returns the tasks fired."""
        now = now or datetime.now(self.timezone)
        fired: list[str] = []
        # Recorded on the first check even while no tick is due, so the first tick after it fires.
        first_seen = await self.first_seen(FIRST_SEEN_FIELD, now)
        for scheduled in self.jobs:
            tick = self.latest_tick(scheduled, now)
            if tick is None or self._settled.get(scheduled.task) == tick:
                continue
            if tick < first_seen or now - tick > self.misfire_grace:
                continue
            async with self.database.session() as session, session.begin():
                won = await JobRepository(session).claim_tick(scheduled.task, tick)
                if won:
                    await enqueue(
                        session, scheduled.job, scheduled.job_data(), dedupe_key=scheduled.dedupe_key
                    )
            self._settled[scheduled.task] = tick
            if won:
                logger.info("scheduled task %s fired for %s", scheduled.task, tick.isoformat())
                fired.append(scheduled.task)
        return fired

    async def first_seen(self, task: str, now: datetime) -> datetime:
        """When any process first checked the schedule (recorded as ``now`` the first time)."""
        known = self._first_seen.get(task)
        if known is None:
            async with self.database.session() as session, session.begin():
                stored = await SystemMetadataRepository(session).set_default_field(
                    FIRST_SEEN_KEY, task, now.isoformat()
                )
            known = self._first_seen[task] = datetime.fromisoformat(stored)
        return known

    async def run(self, stop_event: asyncio.Event) -> None:
        next_cleanup = datetime.min.replace(tzinfo=self.timezone)
        while not stop_event.is_set():
            try:
                await self.check()
                now = datetime.now(self.timezone)
                if now >= next_cleanup:
                    async with self.database.session() as session, session.begin():
                        await JobRepository(session).delete_ticks_before(now - self.tick_retention)
                    next_cleanup = now + timedelta(hours=1)
            except Exception:
                logger.exception("job schedule check failed")
            with suppress(TimeoutError):
                await asyncio.wait_for(stop_event.wait(), self.check_interval)
