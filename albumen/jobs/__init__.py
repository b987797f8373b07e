"""The durable job queue in PostgreSQL: names, enqueue, handler registry, worker loop, cron schedule.

See docs/decisions/job-queue.md for why it is built here rather than on a library, and how it behaves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.jobs.counts import (
    QueueJob,
    QueueState,
    QueueStatistics,
    list_queue_jobs,
    queue_state,
    queue_states,
)
from albumen.jobs.heartbeat import run_heartbeat
from albumen.jobs.metrics import JobMetrics, JobOutcome
from albumen.jobs.names import (
    DEFAULT_CONCURRENCY,
    JOB_QUEUE,
    QUEUE_START_JOB,
    JobName,
    QueueCommand,
    QueueJobStatus,
    QueueName,
)
from albumen.jobs.queue import (
    clear_failed,
    empty_queue,
    enqueue,
    enqueue_many,
    is_paused,
    pause_queue,
    resume_queue,
)
from albumen.jobs.registry import HandlerKind, JobRegistry, RetryLater, RetryPolicy, SkipJob
from albumen.jobs.schedule import Schedule, ScheduledJob, daily_at
from albumen.jobs.worker import ConcurrencySource, JobContext, Worker


async def run_worker(
    database: Database,
    registry: JobRegistry,
    settings: Settings,
    stop_event: asyncio.Event,
    *,
    concurrency_source: ConcurrencySource | None = None,
    schedule: Schedule | None = None,
    metrics: Iterable[JobMetrics] = (),
) -> None:
    """Run a worker (and the cron schedule, when given) until ``stop_event`` is set.

    The entry point of ``albumen worker`` and of the worker inside ``albumen serve``. ``settings`` is the
    process ``Settings``; nothing in it tunes the worker yet.
    """
    del settings
    worker = Worker(database, registry, concurrency_source, metrics=metrics)
    runs = [worker.run(stop_event), run_heartbeat(database, worker.id, stop_event)]
    if schedule is not None:
        runs.append(schedule.run(stop_event))
    await asyncio.gather(*runs)


__all__ = [
    "DEFAULT_CONCURRENCY",
    "JOB_QUEUE",
    "QUEUE_START_JOB",
    "ConcurrencySource",
    "HandlerKind",
    "JobContext",
    "JobMetrics",
    "JobName",
    "JobOutcome",
    "JobRegistry",
    "QueueCommand",
    "QueueJob",
    "QueueJobStatus",
    "QueueName",
    "QueueState",
    "QueueStatistics",
    "RetryLater",
    "RetryPolicy",
    "Schedule",
    "ScheduledJob",
    "SkipJob",
    "Worker",
    "clear_failed",
    "daily_at",
    "empty_queue",
    "enqueue",
    "enqueue_many",
    "is_paused",
    "list_queue_jobs",
    "pause_queue",
    "queue_state",
    "queue_states",
    "resume_queue",
    "run_worker",
]
