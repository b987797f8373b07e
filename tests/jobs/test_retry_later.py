"""Handlers that cannot work yet (``RetryLater``) or not at all as configured (``SkipJob``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from albumen.db.engine import Database
from albumen.jobs import JobContext, JobName, JobRegistry, RetryLater, RetryPolicy, SkipJob, enqueue
from tests.jobs.conftest import StartWorker, jobs_in_db, wait_until

DETECT_FACES = JobName.ASSET_DETECT_FACES
DELAY_S = 1.5


async def test_retry_later_waits_without_using_up_an_attempt_then_runs_again(
    database: Database, start_worker: StartWorker
) -> None:
    calls: list[int] = []

    async def detect(ctx: JobContext) -> None:
        calls.append(ctx.attempt)
        if len(calls) < 3:
            raise RetryLater("machine learning is unreachable", DELAY_S)

    registry = JobRegistry()
    # One attempt only: a postponement that counted as an attempt would fail the job on its next run.
    registry.register(DETECT_FACES, detect, retry=RetryPolicy(max_attempts=1, backoff_seconds=0.1))
    async with database.session() as session, session.begin():
        await enqueue(session, DETECT_FACES, {"id": "asset-1"})
        enqueued_at = (await session.execute(select(func.now()))).scalar_one()

    async with start_worker(registry, poll_interval=0.1):
        await wait_until(lambda: calls, within=10)
        await wait_until(lambda: waiting_again(database), within=5)
        [job] = await jobs_in_db(database)
        assert (job.status, job.attempts) == ("waiting", 0)
        assert job.error == "RetryLater: machine learning is unreachable"
        assert job.run_at >= enqueued_at + timedelta(seconds=DELAY_S)
        assert job.finished_at is None
        assert len(calls) == 1  # not run again before its time

        await wait_until(lambda: completed(database), within=15)
    [job] = await jobs_in_db(database)
    assert (job.status, job.attempts, job.error) == ("completed", 1, None)
    assert calls == [1, 1, 1]  # every run was the job's first counted attempt
    assert job.finished_at is not None and job.finished_at >= enqueued_at + timedelta(seconds=2 * DELAY_S)


async def test_skip_job_ends_the_job_as_completed_without_retries(
    database: Database, start_worker: StartWorker
) -> None:
    calls: list[int] = []

    async def encode(ctx: JobContext) -> None:
        calls.append(ctx.attempt)
        raise SkipJob("no machine-learning service has the model 'ViT-B-32__openai'")

    registry = JobRegistry()
    registry.register(JobName.SMART_SEARCH, encode, retry=RetryPolicy(max_attempts=3, backoff_seconds=0.1))
    async with database.session() as session, session.begin():
        await enqueue(session, JobName.SMART_SEARCH, {"id": "asset-1"})
    async with start_worker(registry, poll_interval=0.1):
        await wait_until(lambda: completed(database), within=10)
    [job] = await jobs_in_db(database)
    assert (job.status, job.attempts) == ("completed", 1)
    assert calls == [1]


async def waiting_again(database: Database) -> bool:
    jobs = await jobs_in_db(database)
    return bool(jobs) and jobs[0].status == "waiting" and jobs[0].run_at > datetime.now(UTC)


async def completed(database: Database) -> bool:
    jobs = await jobs_in_db(database)
    return bool(jobs) and jobs[0].status == "completed"
