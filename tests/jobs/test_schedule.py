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
        # Both were running the evening before, so the midnight tick is theirs to fire.
        evening = just_after_midnight - timedelta(hours=1)
        assert (await first.check(evening), await second.check(evening)) == ([], [])
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


async def test_a_fresh_install_does_not_catch_up_ticks_from_before_its_first_start(
    database: Database, database_url: str
) -> None:
    backup = ScheduledJob("backup", daily_at("02:00"), JobName.DATABASE_BACKUP)
    first_start = datetime(2026, 11, 23, 2, 1, tzinfo=UTC)
    assert await Schedule(database, [backup], timezone=UTC).check(first_start) == []

    # Another process (or a restart) shares the first start: still nothing to catch up that night,
    other = Database.connect(database_url, pool_size=2)
    try:
        assert await Schedule(other, [backup], timezone=UTC).check(first_start + timedelta(minutes=2)) == []
    finally:
        await other.dispose()
    # but a tick missed later, while the server was down, is caught up within the grace period,
    restarted = Schedule(database, [backup], timezone=UTC)
    assert await restarted.check(first_start + timedelta(days=1, minutes=2)) == ["backup"]
    # and the ticks after that fire as usual.
    assert await restarted.check(first_start + timedelta(days=2)) == ["backup"]
    jobs = await jobs_in_db(database)
    assert [job.name for job in jobs] == ["DatabaseBackup"] * 2


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
