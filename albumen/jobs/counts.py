"""Queue statistics and job listings in Immich's terms (``GET /api/jobs``, ``/api/queues*``).

Immich's six states map onto the four stored ones: ``delayed`` is a waiting job whose ``run_at`` is
still ahead (scheduled, or backing off before a retry); ``paused`` is a due waiting job of a paused
queue (BullMQ moves those to its paused list, so ``waiting`` reads 0 while a queue is paused);
``completed`` counts finished jobs still kept (see the worker's ``completed_retention``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.jobs import JobRepository, QueueCountRow
from albumen.jobs.names import JobName, QueueJobStatus, QueueName


@dataclass(frozen=True)
class QueueStatistics:
    """``QueueStatisticsDto``."""

    active: int = 0
    completed: int = 0
    delayed: int = 0
    failed: int = 0
    paused: int = 0
    waiting: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class QueueState:
    name: QueueName
    is_paused: bool
    statistics: QueueStatistics

    @property
    def is_active(self) -> bool:
        """``queueStatus.isActive``: a job of this queue is running somewhere."""
        return self.statistics.active > 0


@dataclass(frozen=True)
class QueueJob:
    """``QueueJobResponseDto``: ``timestamp`` is when the job was queued, in epoch milliseconds."""

    id: str
    name: JobName
    data: dict[str, Any]
    timestamp: int


def _statistics(row: QueueCountRow, paused: bool) -> QueueStatistics:
    return QueueStatistics(
        active=row.active,
        completed=row.completed,
        delayed=row.delayed,
        failed=row.failed,
        paused=row.due if paused else 0,
        waiting=0 if paused else row.due,
    )


async def queue_states(session: AsyncSession) -> dict[QueueName, QueueState]:
    """Every one of Immich's 19 queues, in its order, with counts and pause flag (two queries)."""
    repository = JobRepository(session)
    counts = await repository.counts()
    paused = await repository.paused_queues()
    return {
        queue: QueueState(
            queue, queue in paused, _statistics(counts.get(queue, QueueCountRow()), queue in paused)
        )
        for queue in QueueName
    }


async def queue_state(session: AsyncSession, queue: QueueName) -> QueueState:
    return (await queue_states(session))[queue]


async def list_queue_jobs(
    session: AsyncSession,
    queue: QueueName,
    statuses: Iterable[QueueJobStatus],
    *,
    limit: int = 1000,
) -> list[QueueJob]:
    """Jobs of ``queue`` in any of ``statuses``, oldest first (``GET /api/queues/{name}/jobs``)."""
    wanted = set(statuses)
    repository = JobRepository(session)
    is_paused = queue in await repository.paused_queues()
    due = QueueJobStatus.PAUSED in wanted if is_paused else QueueJobStatus.WAITING in wanted
    rows = await repository.list_jobs(
        queue,
        active=QueueJobStatus.ACTIVE in wanted,
        completed=QueueJobStatus.COMPLETED in wanted,
        failed=QueueJobStatus.FAILED in wanted,
        due=due,
        delayed=QueueJobStatus.DELAYED in wanted,
        limit=limit,
    )
    return [
        QueueJob(
            id=str(row.id),
            name=JobName(row.name),
            data=row.data,
            timestamp=int(row.created_at.timestamp() * 1000),
        )
        for row in rows
    ]
