"""Queries on the job queue tables: ``job``, ``job_queue``, ``job_schedule_tick``.

Every time comes from the database's clock (``now()``), so workers on hosts with skewed clocks agree on
leases, delays and retention. Queue and job names are plain strings here; ``albumen.jobs`` owns the enums.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import and_, delete, false, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from albumen.db.tables import Job, JobQueue, JobScheduleTick

#: LISTEN/NOTIFY channel; the payload is the queue name.
NOTIFY_CHANNEL = "albumen_job"

_DEDUPE_CONFLICT = (
    "ON CONFLICT (name, dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('waiting', 'active')"
)

_INSERT_MANY = text(
    f"""
    WITH inserted AS (
        INSERT INTO job (queue, name, data, dedupe_key, priority, run_at)
        SELECT :queue, :name, item.data::jsonb, item.dedupe_key, :priority,
               coalesce(CAST(:run_at AS timestamptz), now())
        FROM unnest(CAST(:data AS text[]), CAST(:dedupe_keys AS text[])) WITH ORDINALITY
            AS item(data, dedupe_key, position)
        ORDER BY item.position
        {_DEDUPE_CONFLICT} DO NOTHING
        RETURNING id
    ),
    notified AS (SELECT pg_notify(:channel, :queue))
    SELECT (SELECT array_agg(id ORDER BY id) FROM inserted) AS ids, (SELECT count(*) FROM notified) AS n
    """
)

_CLAIM = text(
    """
    UPDATE job
    SET status = 'active', attempts = attempts + 1, started_at = now(), locked_by = :worker,
        locked_until = now() + make_interval(secs => :lease)
    WHERE id IN (
        SELECT id FROM job
        WHERE queue = :queue AND status = 'waiting' AND run_at <= now() AND name = ANY(:names)
          AND NOT EXISTS (SELECT 1 FROM job_queue WHERE job_queue.name = :queue AND job_queue.is_paused)
        ORDER BY priority DESC, run_at, id
        LIMIT greatest(0, least(
            :local_free,
            :concurrency - (SELECT count(*) FROM job WHERE queue = :queue AND status = 'active')
        ))
        FOR UPDATE SKIP LOCKED
    )
    RETURNING id, name, data, attempts, error
    """
)

_READY_QUEUES = text(
    """
    SELECT q.name FROM unnest(CAST(:queues AS text[])) AS q(name)
    WHERE NOT EXISTS (SELECT 1 FROM job_queue WHERE job_queue.name = q.name AND job_queue.is_paused)
      AND EXISTS (
        SELECT 1 FROM job
        WHERE job.queue = q.name AND job.status = 'waiting' AND job.run_at <= now()
          AND job.name = ANY(:names)
      )
    """
)


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    name: str
    data: dict[str, Any]
    attempts: int
    #: the error of the previous attempt (for a job whose worker died, why its lease ran out)
    error: str | None


@dataclass(frozen=True)
class QueueCountRow:
    active: int = 0
    completed: int = 0
    failed: int = 0
    due: int = 0
    delayed: int = 0


class JobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- enqueue ------------------------------------------------------------------------------------

    async def insert_many(
        self,
        queue: str,
        name: str,
        data: Sequence[dict[str, Any]],
        dedupe_keys: Sequence[str | None],
        *,
        priority: int = 0,
        run_at: datetime | None = None,
    ) -> list[int]:
        """Insert jobs in one statement and notify workers on commit; returns the ids not de-duplicated."""
        params = {
            "queue": queue,
            "name": name,
            "data": [orjson.dumps(item).decode() for item in data],
            "dedupe_keys": list(dedupe_keys),
            "priority": priority,
            "run_at": run_at,
            "channel": NOTIFY_CHANNEL,
        }
        ids = (await self.session.execute(_INSERT_MANY, params)).one().ids
        return list(ids or [])

    async def notify(self, queue: str) -> None:
        await self.session.execute(
            text("SELECT pg_notify(:channel, :queue)"), {"channel": NOTIFY_CHANNEL, "queue": queue}
        )

    # -- claiming and finishing ---------------------------------------------------------------------

    async def ready_queues(self, queues: Sequence[str], names: Sequence[str]) -> list[str]:
        """Queues among ``queues`` that are not paused and have a due job with one of ``names``."""
        rows = await self.session.execute(_READY_QUEUES, {"queues": list(queues), "names": list(names)})
        return [row[0] for row in rows]

    async def claim(
        self,
        queue: str,
        names: Sequence[str],
        *,
        worker: str,
        concurrency: int,
        local_free: int,
        lease_seconds: float,
    ) -> list[ClaimedJob]:
        """Mark due jobs active for ``worker`` without exceeding ``concurrency`` active jobs in ``queue``.

        Must run in its own short transaction: the advisory lock serialises claims on one queue across
        all processes, so the active count read by the UPDATE cannot be raced past the limit.
        """
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext('albumen.job.claim'), hashtext(:queue))"),
            {"queue": queue},
        )
        rows = await self.session.execute(
            _CLAIM,
            {
                "queue": queue,
                "names": list(names),
                "worker": worker,
                "concurrency": concurrency,
                "local_free": local_free,
                "lease": lease_seconds,
            },
        )
        return [ClaimedJob(row.id, row.name, row.data, row.attempts, row.error) for row in rows]

    async def renew(self, ids: Sequence[int], *, worker: str, lease_seconds: float) -> set[int]:
        """Extend the leases of the jobs this worker still holds; returns their ids."""
        result = await self.session.execute(
            update(Job)
            .where(Job.id.in_(ids), Job.locked_by == worker, Job.status == "active")
            .values(locked_until=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, lease_seconds))
            .returning(Job.id)
        )
        return set(result.scalars())

    def _owned(self, job_id: int, worker: str) -> Any:
        return and_(Job.id == job_id, Job.locked_by == worker, Job.status == "active")

    async def complete(self, job_id: int, *, worker: str) -> bool:
        result = await self.session.execute(
            update(Job)
            .where(self._owned(job_id, worker))
            .values(status="completed", finished_at=func.now(), locked_by=None, locked_until=None, error=None)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def retry_later(self, job_id: int, *, worker: str, delay_seconds: float, error: str) -> bool:
        result = await self.session.execute(
            update(Job)
            .where(self._owned(job_id, worker))
            .values(
                status="waiting",
                run_at=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, delay_seconds),
                locked_by=None,
                locked_until=None,
                error=error,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def postpone(self, job_id: int, *, worker: str, delay_seconds: float, error: str) -> bool:
        """Waiting again after ``delay_seconds``, the attempt not counted (``RetryLater``)."""
        result = await self.session.execute(
            update(Job)
            .where(self._owned(job_id, worker))
            .values(
                status="waiting",
                attempts=func.greatest(Job.attempts - 1, 0),
                run_at=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, delay_seconds),
                locked_by=None,
                locked_until=None,
                error=error,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def fail(self, job_id: int, *, worker: str, error: str) -> bool:
        result = await self.session.execute(
            update(Job)
            .where(self._owned(job_id, worker))
            .values(status="failed", finished_at=func.now(), locked_by=None, locked_until=None, error=error)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release(self, ids: Sequence[int], *, worker: str) -> int:
        """Give claimed jobs back unfinished (graceful shutdown): waiting again, the attempt not counted."""
        result = await self.session.execute(
            update(Job)
            .where(Job.id.in_(ids), Job.locked_by == worker, Job.status == "active")
            .values(
                status="waiting",
                attempts=func.greatest(Job.attempts - 1, 0),
                run_at=func.now(),
                locked_by=None,
                locked_until=None,
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def requeue_expired(self, error: str) -> list[str]:
        """Put active jobs whose lease ran out (their worker died) back to waiting; returns their queues.

        Rows another worker is requeueing at the same moment are skipped, not waited for.
        """
        expired = (
            select(Job.id)
            .where(Job.status == "active", Job.locked_until < func.now())
            .order_by(Job.id)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        rows = await self.session.execute(
            update(Job)
            .where(Job.id.in_(expired))
            .values(status="waiting", run_at=func.now(), locked_by=None, locked_until=None, error=error)
            .returning(Job.queue)
        )
        return sorted({row[0] for row in rows})

    async def delete_completed(self, older_than_seconds: float, *, batch: int = 10_000) -> int:
        cutoff = func.now() - func.make_interval(0, 0, 0, 0, 0, 0, older_than_seconds)
        ids = (
            select(Job.id)
            .where(Job.status == "completed", Job.finished_at < cutoff)
            .limit(batch)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        result = await self.session.execute(delete(Job).where(Job.id.in_(ids)))
        return int(result.rowcount)  # type: ignore[attr-defined]

    # -- queue control ------------------------------------------------------------------------------

    async def set_paused(self, queue: str, paused: bool) -> None:
        statement = pg_insert(JobQueue).values(name=queue, is_paused=paused)
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=[JobQueue.name], set_={"is_paused": paused})
        )

    async def paused_queues(self) -> set[str]:
        rows = await self.session.execute(select(JobQueue.name).where(JobQueue.is_paused))
        return {row[0] for row in rows}

    async def delete_waiting(self, queue: str) -> int:
        result = await self.session.execute(delete(Job).where(Job.queue == queue, Job.status == "waiting"))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def delete_failed(self, queue: str) -> int:
        result = await self.session.execute(delete(Job).where(Job.queue == queue, Job.status == "failed"))
        return int(result.rowcount)  # type: ignore[attr-defined]

    # -- reading ------------------------------------------------------------------------------------

    async def counts(self) -> dict[str, QueueCountRow]:
        is_waiting = Job.status == "waiting"
        query = select(
            Job.queue,
            func.count().filter(Job.status == "active"),
            func.count().filter(Job.status == "completed"),
            func.count().filter(Job.status == "failed"),
            func.count().filter(is_waiting, Job.run_at <= func.now()),
            func.count().filter(is_waiting, Job.run_at > func.now()),
        ).group_by(Job.queue)
        rows = await self.session.execute(query)
        return {row[0]: QueueCountRow(*row[1:]) for row in rows}

    async def list_jobs(
        self,
        queue: str,
        *,
        active: bool,
        completed: bool,
        failed: bool,
        due: bool,
        delayed: bool,
        limit: int,
    ) -> Sequence[Job]:
        """Jobs of ``queue`` in the chosen states (``due``/``delayed`` split waiting jobs by run time)."""
        is_waiting = Job.status == "waiting"
        conditions = [
            condition
            for wanted, condition in (
                (active, Job.status == "active"),
                (completed, Job.status == "completed"),
                (failed, Job.status == "failed"),
                (due, and_(is_waiting, Job.run_at <= func.now())),
                (delayed, and_(is_waiting, Job.run_at > func.now())),
            )
            if wanted
        ]
        query = select(Job).where(Job.queue == queue, or_(false(), *conditions)).order_by(Job.id).limit(limit)
        return (await self.session.execute(query)).scalars().all()

    async def get(self, job_id: int) -> Job | None:
        return await self.session.get(Job, job_id)

    # -- schedule -----------------------------------------------------------------------------------

    async def claim_tick(self, task: str, tick: datetime) -> bool:
        """Record that ``task`` fired for ``tick``; False when another process already did."""
        statement = (
            pg_insert(JobScheduleTick)
            .values(task=task, tick=tick)
            .on_conflict_do_nothing()
            .returning(JobScheduleTick.task)
        )
        return (await self.session.execute(statement)).first() is not None

    async def delete_ticks_before(self, cutoff: datetime) -> int:
        result = await self.session.execute(delete(JobScheduleTick).where(JobScheduleTick.tick < cutoff))
        return int(result.rowcount)  # type: ignore[attr-defined]


@asynccontextmanager
async def listen_for_jobs(
    engine: AsyncEngine, on_queue: Callable[[str], None], *, ping_interval: float = 30.0
) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """LISTEN on a connection of its own; ``on_queue(queue)`` is called for each job NOTIFY.

    Yields a ``ping`` coroutine that raises when the connection died. The connection is closed, not
    returned to the pool, on exit, so no other session inherits the LISTEN.
    """
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None

        def callback(_connection: object, _pid: int, _channel: str, payload: str) -> None:
            on_queue(payload)

        await driver.add_listener(NOTIFY_CHANNEL, callback)

        async def ping() -> None:
            await driver.execute("SELECT 1")

        try:
            yield ping
        finally:
            with suppress(Exception):
                await driver.remove_listener(NOTIFY_CHANNEL, callback)
            await connection.invalidate()
