"""Cron ticks fire their job exactly once, however many processes run the schedule."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from albumen.db.engine import Database
from albumen.db.tables import JobScheduleTick
from albumen.jobs import JobName, Schedule, ScheduledJob, daily_at
from tests.jobs.conftest import jobs_in_db


def test_immich_start_time_becomes_a_daily_cron() -> None:
    assert daily_at("00:00") == "0 0 * * *"
    assert daily_at("02:30") == "30 2 * * *"
    with pytest.raises(ValueError):
        daily_at("24:00")


async def test_two_schedulers_fire_each_tick_once(database: Database, database_url: str) -> None:
    nightly = ScheduledJob("nightly", daily_at("00:00"), JobName.USER_SYNC_USAGE, {"source": "nightly"})
    other = Database.connect(database_url, pool_size=2)
    try:
        first = Schedule(database, [nightly], timezone=UTC)
        second = Schedule(other, [nightly], timezone=UTC)
        just_after_midnight = datetime(2026, 11, 23, 0, 0, 3, tzinfo=UTC)
        fired = await asyncio.gather(first.check(just_after_midnight), second.check(just_after_midnight))
        assert sorted(len(tasks) for tasks in fired) == [0, 1]
        # Later checks for the same tick, from either process, fire nothing.
        assert await first.check(just_after_midnight + timedelta(minutes=1)) == []
        assert await Schedule(other, [nightly], timezone=UTC).check(just_after_midnight) == []
        # The next night fires again; a tick older than the grace period (all processes were down) does not.
        assert await second.check(just_after_midnight + timedelta(days=1)) == ["nightly"]
        assert await first.check(just_after_midnight + timedelta(days=2, minutes=30)) == []
    finally:
        await other.dispose()
    jobs = await jobs_in_db(database)
    assert [(job.name, job.data) for job in jobs] == [("UserSyncUsage", {"source": "nightly"})] * 2


async def test_running_schedulers_fire_every_second_tick_exactly_once(
    database: Database, database_url: str
) -> None:
    every_second = ScheduledJob("every-second", "* * * * * *", JobName.SESSION_CLEANUP)
    disabled = ScheduledJob("backup", lambda: None, JobName.DATABASE_BACKUP)
    other = Database.connect(database_url, pool_size=2)
    stop = asyncio.Event()
    schedules = [
        Schedule(db, [every_second, disabled], timezone=UTC, check_interval=0.05) for db in (database, other)
    ]
    runs = [asyncio.create_task(schedule.run(stop)) for schedule in schedules]
    await asyncio.sleep(2.5)
    stop.set()
    await asyncio.gather(*runs)
    await other.dispose()
    jobs = await jobs_in_db(database)
    assert {job.name for job in jobs} == {"SessionCleanup"}
    assert 2 <= len(jobs) <= 4
    async with database.session() as session:
        ticks = (await session.execute(select(func.count()).select_from(JobScheduleTick))).scalar_one()
    assert ticks == len(jobs)
