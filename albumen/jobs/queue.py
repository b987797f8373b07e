"""Putting jobs on queues and steering the queues (pause, resume, empty, clear failed).

Every function works inside the caller's transaction: a job queued next to the row it concerns is
committed with it or rolled back with it, and workers are woken by a NOTIFY sent on commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.jobs import JobRepository
from albumen.jobs.names import JOB_QUEUE, JobName, QueueName


async def enqueue(
    session: AsyncSession,
    name: JobName,
    data: dict[str, Any],
    *,
    dedupe_key: str | None = None,
    run_at: datetime | None = None,
    priority: int = 0,
) -> int | None:
    """Queue one job; returns its id, or None when a job with the same name and ``dedupe_key`` is
    already waiting or running. Higher ``priority`` runs first; ``run_at`` delays it."""
    ids = await JobRepository(session).insert_many(
        JOB_QUEUE[name], name, [data], [dedupe_key], priority=priority, run_at=run_at
    )
    return ids[0] if ids else None


async def enqueue_many(
    session: AsyncSession,
    name: JobName,
    data: Sequence[dict[str, Any]],
    *,
    dedupe_keys: Sequence[str | None] | None = None,
    run_at: datetime | None = None,
    priority: int = 0,
) -> int:
    """Queue many jobs of one name in a single statement (the "queue all" jobs); returns how many were
    queued, those de-duplicated against a waiting or running job (or each other) not counted."""
    if dedupe_keys is not None and len(dedupe_keys) != len(data):
        raise ValueError("dedupe_keys must have one entry per job")
    if not data:
        return 0
    keys: Sequence[str | None] = dedupe_keys if dedupe_keys is not None else [None] * len(data)
    ids = await JobRepository(session).insert_many(
        JOB_QUEUE[name], name, data, keys, priority=priority, run_at=run_at
    )
    return len(ids)


async def pause_queue(session: AsyncSession, queue: QueueName) -> None:
    """Workers on every host stop claiming from ``queue``; running jobs finish."""
    await JobRepository(session).set_paused(queue, True)


async def resume_queue(session: AsyncSession, queue: QueueName) -> None:
    repository = JobRepository(session)
    await repository.set_paused(queue, False)
    await repository.notify(queue)


async def is_paused(session: AsyncSession, queue: QueueName) -> bool:
    return queue in await JobRepository(session).paused_queues()


async def empty_queue(session: AsyncSession, queue: QueueName) -> int:
    """Delete every job of ``queue`` that has not started (waiting, paused or delayed); returns how many."""
    return await JobRepository(session).delete_waiting(queue)


async def clear_failed(session: AsyncSession, queue: QueueName) -> int:
    """Delete the failed jobs of ``queue``; returns how many."""
    return await JobRepository(session).delete_failed(queue)
