"""The worker loop: claim due jobs within each queue's concurrency, run them, record the outcome.

One ``Worker`` per process (inside ``albumen serve`` or an ``albumen worker`` on another host). Per-queue
concurrency is global: the number of active jobs of a queue is counted in the database across every
worker, so ``facialRecognition`` at 1 stays at 1 with three hosts (see docs/decisions/job-queue.md).
Delivery is at-least-once: a job whose worker dies is run again, so handlers must be idempotent.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import multiprocessing
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, TypeVar

from albumen.db.engine import Database
from albumen.db.repositories.jobs import ClaimedJob, JobRepository, listen_for_jobs
from albumen.jobs.metrics import JobMetrics, JobOutcome, JobOutcomeStatus
from albumen.jobs.names import DEFAULT_CONCURRENCY, JobName, QueueName
from albumen.jobs.registry import Handler, JobRegistry, RetryLater, SkipJob

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Returns the admin config's ``job`` section (``{"thumbnailGeneration": {"concurrency": 3}, ...}``); may
#: be async. Called on every claim round, so it should read a cache, not the database.
ConcurrencySource = Callable[[], Mapping[str, Any] | Awaitable[Mapping[str, Any]]]

LEASE_EXPIRED_ERROR = "Job lease expired: its worker stopped or crashed while running it"


def queue_concurrency(job_config: Mapping[str, Any], queue: QueueName) -> int:
    """``job.<queue>.concurrency`` from the admin config, else Immich's default; at least 1."""
    entry = job_config.get(queue)
    value = entry.get("concurrency") if isinstance(entry, Mapping) else entry
    if not isinstance(value, int) or isinstance(value, bool):
        return DEFAULT_CONCURRENCY[queue]
    return max(1, value)


def describe_error(error: BaseException) -> str:
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


@dataclass
class JobContext:
    """What an ``io`` coroutine handler receives."""

    id: int
    name: JobName
    queue: QueueName
    data: dict[str, Any]
    attempt: int
    database: Database
    worker: Worker = field(repr=False)

    async def run_cpu(self, function: Callable[..., T], *args: Any) -> T:
        """Run a picklable module-level function in the worker's process pool."""
        return await self.worker.run_cpu(function, *args)

    async def run_in_thread(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(function, *args)


class Worker:
    def __init__(
        self,
        database: Database,
        registry: JobRegistry,
        concurrency_source: ConcurrencySource | None = None,
        *,
        worker_id: str | None = None,
        lease_seconds: float = 30.0,
        poll_interval: float = 2.0,
        max_in_flight: int | None = None,
        cpu_processes: int | None = None,
        completed_retention_seconds: float = 3600.0,
        maintenance_interval: float = 5.0,
        shutdown_timeout: float = 20.0,
        metrics: Iterable[JobMetrics] = (),
    ) -> None:
        self.database = database
        self.registry = registry
        self.concurrency_source = concurrency_source
        self.id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease_seconds = lease_seconds
        self.poll_interval = poll_interval
        self.max_in_flight = max_in_flight
        self.cpu_processes = cpu_processes or os.cpu_count() or 1
        self.completed_retention_seconds = completed_retention_seconds
        self.maintenance_interval = maintenance_interval
        self.shutdown_timeout = shutdown_timeout
        self.metrics = list(metrics)
        self._tasks: dict[int, asyncio.Task[None]] = {}
        #: Jobs whose outcome is being written (no longer "active" though their task still runs).
        self._settling: set[int] = set()
        self._wake = asyncio.Event()
        #: set while the LISTEN connection is up (until then new jobs are found by polling)
        self.listening = asyncio.Event()
        self._pool: ProcessPoolExecutor | None = None
        self._last_job_config: Mapping[str, Any] = {}
        self._queues = {str(queue) for queue in registry.queues()}

    # -- the loop -----------------------------------------------------------------------------------

    async def run(self, stop_event: asyncio.Event) -> None:
        """Work until ``stop_event`` is set, then finish or release the jobs in hand."""
        background = [
            asyncio.create_task(self._listen(), name="albumen-job-listen"),
            asyncio.create_task(self._heartbeat(), name="albumen-job-heartbeat"),
            asyncio.create_task(self._wake_on(stop_event), name="albumen-job-stop"),
        ]
        next_maintenance = 0.0
        logger.info("job worker %s started for %d queues", self.id, len(self._queues))
        try:
            while not stop_event.is_set():
                self._wake.clear()
                try:
                    if time.monotonic() >= next_maintenance:
                        await self._maintain()
                        next_maintenance = time.monotonic() + self.maintenance_interval
                    await self._claim_round()
                except Exception:
                    logger.exception("job worker %s: claim round failed", self.id)
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval)
        finally:
            await self._drain()
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            logger.info("job worker %s stopped", self.id)

    async def _wake_on(self, stop_event: asyncio.Event) -> None:
        await stop_event.wait()
        self._wake.set()

    def _local_free(self) -> int:
        if self.max_in_flight is None:
            return 1_000_000
        return max(0, self.max_in_flight - len(self._tasks))

    async def _job_config(self) -> Mapping[str, Any]:
        if self.concurrency_source is None:
            return {}
        try:
            value = self.concurrency_source()
            if inspect.isawaitable(value):
                value = await value
            self._last_job_config = value or {}
        except Exception:
            logger.exception("job worker %s: reading the job concurrency failed; keeping the last", self.id)
        return self._last_job_config

    async def _claim_round(self) -> int:
        if not self._queues or self._local_free() == 0:
            return 0
        job_config = await self._job_config()
        names = [str(name) for name in self.registry.handlers]
        async with self.database.session() as session:
            ready = await JobRepository(session).ready_queues(sorted(self._queues), names)
        claimed = 0
        for queue_name in self.registry.queues():
            local_free = self._local_free()
            if local_free == 0:
                break
            if queue_name not in ready:
                continue
            async with self.database.session() as session, session.begin():
                jobs = await JobRepository(session).claim(
                    queue_name,
                    [str(name) for name in self.registry.names_for(queue_name)],
                    worker=self.id,
                    concurrency=queue_concurrency(job_config, queue_name),
                    local_free=local_free,
                    lease_seconds=self.lease_seconds,
                )
            for job in jobs:
                self._tasks[job.id] = asyncio.create_task(self._execute(job), name=f"albumen-job-{job.id}")
            claimed += len(jobs)
        return claimed

    async def _maintain(self) -> None:
        async with self.database.session() as session, session.begin():
            repository = JobRepository(session)
            requeued = await repository.requeue_expired(LEASE_EXPIRED_ERROR)
            await repository.delete_completed(self.completed_retention_seconds)
        if requeued:
            logger.warning("job worker %s: requeued jobs of dead workers in %s", self.id, ", ".join(requeued))

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            ids = list(self._tasks)
            if not ids:
                continue
            try:
                async with self.database.session() as session, session.begin():
                    renewed = await JobRepository(session).renew(
                        ids, worker=self.id, lease_seconds=self.lease_seconds
                    )
                # A job whose outcome was being written is no longer active: not a lost lease.
                lost = (set(ids) - renewed) & (self._tasks.keys() - self._settling)
                if lost:
                    logger.warning("job worker %s: %d job leases were lost", self.id, len(lost))
            except Exception:
                logger.exception("job worker %s: renewing leases failed", self.id)

    async def _listen(self) -> None:
        def on_queue(queue: str) -> None:
            if queue in self._queues:
                self._wake.set()

        while True:
            try:
                async with listen_for_jobs(self.database.engine, on_queue) as ping:
                    self.listening.set()
                    # Jobs queued while the connection was down were not announced.
                    self._wake.set()
                    while True:
                        await asyncio.sleep(30)
                        await ping()
            except asyncio.CancelledError:
                self.listening.clear()
                raise
            except Exception as error:
                self.listening.clear()
                logger.warning("job worker %s: LISTEN lost (%s); polling until it is back", self.id, error)
                await asyncio.sleep(5)

    async def _drain(self) -> None:
        """Give running jobs ``shutdown_timeout`` to finish, then cancel and release the rest."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(list(self._tasks.values()), timeout=self.shutdown_timeout)
        if not pending:
            return
        unfinished = [job_id for job_id, task in self._tasks.items() if task in pending]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        try:
            async with self.database.session() as session, session.begin():
                await JobRepository(session).release(unfinished, worker=self.id)
            logger.info("job worker %s: released %d unfinished jobs", self.id, len(unfinished))
        except Exception:
            logger.exception("job worker %s: releasing jobs failed; their leases will expire", self.id)

    # -- running one job ----------------------------------------------------------------------------

    async def run_cpu(self, function: Callable[..., T], *args: Any) -> T:
        if self._pool is None:
            # forkserver, not fork: forking a process that runs an event loop and threads is unsafe.
            self._pool = ProcessPoolExecutor(
                max_workers=self.cpu_processes, mp_context=multiprocessing.get_context("forkserver")
            )
        pool = self._pool
        try:
            # submit() may start pool processes (and the forkserver) synchronously: keep that off the loop.
            future = await asyncio.to_thread(pool.submit, functools.partial(function, *args))
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            # A child died (a decoder crash, the OOM killer): every job on this pool fails this attempt
            # and is retried; a fresh pool serves the next ones.
            if self._pool is pool:
                self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
            raise

    async def _run_handler(self, handler: Handler, job: ClaimedJob) -> None:
        if handler.is_coroutine:
            context = JobContext(
                id=job.id,
                name=handler.name,
                queue=handler.queue,
                data=job.data,
                attempt=job.attempts,
                database=self.database,
                worker=self,
            )
            await handler.function(context)
        elif handler.kind == "cpu":
            await self.run_cpu(handler.function, job.data)
        else:
            await asyncio.to_thread(handler.function, job.data)

    async def _execute(self, job: ClaimedJob) -> None:
        handler = self.registry.get(job.name)
        assert handler is not None, job.name
        started = time.monotonic()
        status: JobOutcomeStatus
        error: str | None = None
        try:
            if job.attempts > handler.retry.max_attempts:
                # Its worker died during the last allowed attempt: fail it rather than crash another.
                error = job.error or LEASE_EXPIRED_ERROR
                status = "failed"
            else:
                try:
                    await self._run_handler(handler, job)
                    status = "completed"
                except asyncio.CancelledError:
                    raise
                except SkipJob as skipped:
                    status = "completed"
                    logger.debug("job %s %s skipped: %s", job.name, job.id, skipped)
                except RetryLater as later:
                    error = describe_error(later)
                    status = "retrying"
                    self._settling.add(job.id)
                    await self._postpone(job, later, error)
                    self._report(handler, job, status, time.monotonic() - started, error)
                    return
                except Exception as exc:
                    error = describe_error(exc)
                    status = "retrying" if job.attempts < handler.retry.max_attempts else "failed"
                    logger.warning("job %s %s attempt %d: %s", job.name, job.id, job.attempts, error)
            self._settling.add(job.id)
            await self._record(job, handler, status, error)
            self._report(handler, job, status, time.monotonic() - started, error)
        finally:
            self._tasks.pop(job.id, None)
            self._settling.discard(job.id)
            self._wake.set()

    async def _record(
        self, job: ClaimedJob, handler: Handler, status: JobOutcomeStatus, error: str | None
    ) -> None:
        try:
            async with self.database.session() as session, session.begin():
                repository = JobRepository(session)
                if status == "completed":
                    await repository.complete(job.id, worker=self.id)
                elif status == "retrying":
                    delay = handler.retry.delay(job.attempts)
                    await repository.retry_later(
                        job.id, worker=self.id, delay_seconds=delay, error=error or ""
                    )
                else:
                    await repository.fail(job.id, worker=self.id, error=error or "")
        except Exception:
            logger.exception(
                "job %s %s: recording its outcome failed; its lease will expire", job.name, job.id
            )

    async def _postpone(self, job: ClaimedJob, later: RetryLater, error: str) -> None:
        try:
            async with self.database.session() as session, session.begin():
                await JobRepository(session).postpone(
                    job.id, worker=self.id, delay_seconds=later.delay_seconds, error=error
                )
        except Exception:
            logger.exception("job %s %s: postponing it failed; its lease will expire", job.name, job.id)

    def _report(
        self, handler: Handler, job: ClaimedJob, status: JobOutcomeStatus, duration: float, error: str | None
    ) -> None:
        outcome = JobOutcome(handler.name, handler.queue, status, duration, job.attempts, error)
        for hook in self.metrics:
            try:
                hook.job_finished(outcome)
            except Exception:
                logger.exception("job metrics hook failed")
