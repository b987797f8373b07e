"""The worker: wake-up, global per-queue concurrency, retries, CPU offload, shutdown, crash recovery."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import update

from albumen.db.engine import Database
from albumen.db.tables import Job
from albumen.jobs import (
    JobContext,
    JobName,
    JobOutcome,
    JobRegistry,
    QueueName,
    RetryPolicy,
    enqueue,
    enqueue_many,
    pause_queue,
    queue_state,
    resume_queue,
)
from albumen.jobs.worker import LEASE_EXPIRED_ERROR
from tests.conftest import REPO_ROOT
from tests.jobs import handlers
from tests.jobs.conftest import StartWorker, jobs_in_db, wait_until

EXTRACT = JobName.ASSET_EXTRACT_METADATA


async def statuses(database: Database) -> list[str]:
    return [job.status for job in await jobs_in_db(database)]


async def all_completed(database: Database, count: int) -> bool:
    return await statuses(database) == ["completed"] * count


async def test_a_queued_job_runs_at_once_through_listen_notify(
    database: Database, start_worker: StartWorker
) -> None:
    seen: list[tuple[int, dict[str, Any], int, QueueName]] = []

    async def extract(ctx: JobContext) -> None:
        seen.append((ctx.id, ctx.data, ctx.attempt, ctx.queue))

    registry = JobRegistry()
    registry.register(EXTRACT, extract)
    # A poll interval far longer than the test: only the NOTIFY sent on commit can wake the worker.
    async with start_worker(registry, poll_interval=60) as worker:
        await asyncio.wait_for(worker.listening.wait(), 10)
        async with database.session() as session, session.begin():
            job_id = await enqueue(session, EXTRACT, {"id": "asset-1"})
        queued = time.monotonic()
        await wait_until(lambda: seen, within=5)
        assert time.monotonic() - queued < 1.0
        await wait_until(lambda: all_completed(database, 1))
    assert seen == [(job_id, {"id": "asset-1"}, 1, QueueName.METADATA_EXTRACTION)]


async def test_queue_concurrency_holds_across_workers_and_follows_config_changes(
    database: Database, start_worker: StartWorker
) -> None:
    running = 0
    peaks: list[int] = []

    async def extract(ctx: JobContext) -> None:
        nonlocal running
        running += 1
        peaks.append(running)
        await asyncio.sleep(0.15)
        running -= 1

    registry = JobRegistry()
    registry.register(EXTRACT, extract)
    job_config: dict[str, Any] = {"metadataExtraction": {"concurrency": 2}}

    async def read_config() -> dict[str, Any]:
        return job_config

    async with (
        start_worker(registry, concurrency_source=read_config) as first,
        start_worker(registry, concurrency_source=read_config),
        start_worker(registry, concurrency_source=lambda: job_config),
    ):
        await asyncio.wait_for(first.listening.wait(), 10)
        async with database.session() as session, session.begin():
            await enqueue_many(session, EXTRACT, [{"id": str(n)} for n in range(12)])
        await wait_until(lambda: all_completed(database, 12), within=15)
        assert max(peaks) == 2

        peaks.clear()
        job_config["metadataExtraction"] = {"concurrency": 3}
        async with database.session() as session, session.begin():
            await enqueue_many(session, EXTRACT, [{"id": str(n)} for n in range(12)])
        await wait_until(lambda: all_completed(database, 24), within=15)
        assert max(peaks) == 3


async def test_a_failing_job_is_retried_with_exponential_backoff_then_failed_with_its_message(
    database: Database, start_worker: StartWorker
) -> None:
    attempts: dict[str, list[float]] = {"broken": [], "flaky": []}
    outcomes: list[JobOutcome] = []

    class Recorder:
        def job_finished(self, outcome: JobOutcome) -> None:
            outcomes.append(outcome)

    async def extract(ctx: JobContext) -> None:
        attempts[ctx.data["id"]].append(time.monotonic())
        if ctx.data["id"] == "broken" or ctx.attempt == 1:
            raise ValueError("cannot decode the file")

    registry = JobRegistry()
    registry.register(EXTRACT, extract, retry=RetryPolicy(max_attempts=3, backoff_seconds=0.3))
    async with start_worker(registry, poll_interval=0.05, metrics=[Recorder()]):
        async with database.session() as session, session.begin():
            broken = await enqueue(session, EXTRACT, {"id": "broken"})
            flaky = await enqueue(session, EXTRACT, {"id": "flaky"})
        await wait_until(lambda: len(outcomes) >= 5, within=10)

    jobs: dict[int | None, Job] = {job.id: job for job in await jobs_in_db(database)}
    assert (jobs[broken].status, jobs[broken].attempts, jobs[broken].error) == (
        "failed",
        3,
        "ValueError: cannot decode the file",
    )
    assert (jobs[flaky].status, jobs[flaky].attempts, jobs[flaky].error) == ("completed", 2, None)
    first_gap, second_gap = (b - a for a, b in zip(attempts["broken"], attempts["broken"][1:], strict=False))
    assert 0.3 <= first_gap < 2.0
    assert 0.6 <= second_gap < 3.0
    assert [(o.status, o.attempt) for o in outcomes if o.status != "completed"] == [
        ("retrying", 1),
        ("retrying", 1),
        ("retrying", 2),
        ("failed", 3),
    ]
    assert all(o.name == EXTRACT and o.queue == QueueName.METADATA_EXTRACTION for o in outcomes)
    assert [o.status for o in outcomes].count("completed") == 1
    async with database.session() as session:
        assert (await queue_state(session, QueueName.METADATA_EXTRACTION)).statistics.failed == 1


async def test_cpu_work_runs_in_other_processes_and_the_event_loop_stays_responsive(
    database: Database, start_worker: StartWorker, tmp_path: Path
) -> None:
    async def thumbnails(ctx: JobContext) -> None:
        await ctx.run_cpu(handlers.spin, ctx.data)

    registry = JobRegistry()
    registry.register(EXTRACT, handlers.spin, kind="cpu")
    registry.register(JobName.ASSET_GENERATE_THUMBNAILS, thumbnails)
    lags: list[float] = []
    async with start_worker(registry, cpu_processes=1):
        async with database.session() as session, session.begin():
            await enqueue(session, EXTRACT, {"seconds": 1.0, "pid_file": str(tmp_path / "a")})
            await enqueue(
                session, JobName.ASSET_GENERATE_THUMBNAILS, {"seconds": 1.0, "pid_file": str(tmp_path / "b")}
            )
        deadline = time.monotonic() + 20
        while not await all_completed(database, 2) and time.monotonic() < deadline:
            before = time.monotonic()
            await asyncio.sleep(0.01)
            lags.append(time.monotonic() - before - 0.01)
    assert await all_completed(database, 2)
    pids = {int((tmp_path / name).read_text()) for name in ("a", "b")}
    assert os.getpid() not in pids
    # Each job spins for a second; had either run in this process, the loop would have stalled that long.
    assert max(lags) < 0.5, sorted(lags)[-5:]


async def test_a_crashed_pool_process_fails_only_that_attempt(
    database: Database, start_worker: StartWorker, tmp_path: Path
) -> None:
    registry = JobRegistry()
    registry.register(EXTRACT, handlers.die_once, kind="cpu", retry=RetryPolicy(backoff_seconds=0.1))
    data = {"marker": str(tmp_path / "marker"), "done": str(tmp_path / "done")}
    async with start_worker(registry, cpu_processes=1, poll_interval=0.05):
        async with database.session() as session, session.begin():
            await enqueue(session, EXTRACT, data)
        await wait_until(lambda: all_completed(database, 1), within=20)
    [job] = await jobs_in_db(database)
    assert job.attempts == 2
    assert (tmp_path / "done").read_text() == "ok"


async def test_a_paused_queue_is_not_worked_until_resumed(
    database: Database, start_worker: StartWorker
) -> None:
    ran: list[str] = []

    async def extract(ctx: JobContext) -> None:
        ran.append(ctx.data["id"])

    registry = JobRegistry()
    registry.register(EXTRACT, extract)
    async with database.session() as session, session.begin():
        await pause_queue(session, QueueName.METADATA_EXTRACTION)
        await enqueue(session, EXTRACT, {"id": "held"})
    async with start_worker(registry, poll_interval=0.05) as worker:
        await asyncio.wait_for(worker.listening.wait(), 10)
        await asyncio.sleep(0.5)
        assert ran == []
        async with database.session() as session, session.begin():
            await resume_queue(session, QueueName.METADATA_EXTRACTION)
        await wait_until(lambda: all_completed(database, 1), within=5)
    assert ran == ["held"]


async def test_shutdown_finishes_short_jobs_and_releases_long_ones(
    database: Database, start_worker: StartWorker
) -> None:
    started: list[str] = []

    async def extract(ctx: JobContext) -> None:
        started.append(ctx.data["id"])
        await asyncio.sleep(ctx.data["seconds"])

    registry = JobRegistry()
    registry.register(EXTRACT, extract)
    async with database.session() as session, session.begin():
        short = await enqueue(session, EXTRACT, {"id": "short", "seconds": 0.3})
        long = await enqueue(session, EXTRACT, {"id": "long", "seconds": 60})
    async with start_worker(registry, shutdown_timeout=1.0):
        await wait_until(lambda: len(started) == 2)
    jobs: dict[int | None, Job] = {job.id: job for job in await jobs_in_db(database)}
    assert jobs[short].status == "completed"
    assert (jobs[long].status, jobs[long].attempts, jobs[long].locked_by) == ("waiting", 0, None)


async def test_a_job_whose_worker_process_is_killed_is_run_again(
    database: Database, database_url: str, start_worker: StartWorker, tmp_path: Path
) -> None:
    async with database.session() as session, session.begin():
        job_id = await enqueue(session, EXTRACT, {"id": "survivor"})
    started_file = tmp_path / "started"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.jobs.crash_worker", database_url, str(started_file), cwd=REPO_ROOT
    )
    try:
        await wait_until(started_file.exists, within=30)
        process.send_signal(signal.SIGKILL)
        assert await asyncio.wait_for(process.wait(), 10) == -signal.SIGKILL
    finally:
        if process.returncode is None:
            process.kill()
    [job] = await jobs_in_db(database)
    assert (job.status, job.attempts) == ("active", 1)

    attempts: list[int] = []

    async def extract(ctx: JobContext) -> None:
        attempts.append(ctx.attempt)

    registry = JobRegistry()
    registry.register(EXTRACT, extract)
    async with start_worker(registry, maintenance_interval=0.2, poll_interval=0.1):
        await wait_until(lambda: all_completed(database, 1), within=15)
    assert attempts == [2]
    [job] = await jobs_in_db(database)
    assert job.id == job_id


async def test_a_job_that_kills_its_worker_on_the_last_attempt_ends_failed(
    database: Database, start_worker: StartWorker
) -> None:
    async with database.session() as session, session.begin():
        job_id = await enqueue(session, EXTRACT, {"id": "poison"})
        # As a worker that died during attempt 2 of 2 leaves it: active, lease run out.
        await session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="active", attempts=2, locked_by="dead", locked_until=Job.created_at)
        )
    ran: list[int] = []

    async def extract(ctx: JobContext) -> None:
        ran.append(ctx.attempt)

    registry = JobRegistry()
    registry.register(EXTRACT, extract, retry=RetryPolicy(max_attempts=2))
    async with start_worker(registry, maintenance_interval=0.1, poll_interval=0.1):
        await wait_until(lambda: _status_is(database, "failed"), within=10)
    [job] = await jobs_in_db(database)
    assert (job.status, job.error) == ("failed", LEASE_EXPIRED_ERROR)
    assert ran == []


async def _status_is(database: Database, status: str) -> bool:
    return await statuses(database) == [status]
