"""Background workers: inside ``albumen serve`` (unless ``ALBUMEN_WORKERS=false``), or on their own as
``albumen worker``, against the same database.

CPU work (decoding, resizing, exiftool, ffmpeg) runs in the worker's process pool at a lower
scheduling priority, so the API's event loop stays responsive during a large import.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterable
from typing import Any

from albumen.config import Settings
from albumen.db.embedded import DataDirInUseError, DataDirLock, EmbeddedPostgres
from albumen.db.engine import Database
from albumen.db.migrate import current_revision, head_revision, migrate
from albumen.jobs import JobMetrics, Worker, run_worker
from albumen.metrics import PrometheusJobMetrics
from albumen.metrics.exporter import metrics_server
from albumen.services.pipeline.context import Pipeline
from albumen.services.pipeline.registry import build_registry, build_schedule

logger = logging.getLogger(__name__)


class WorkerStartError(RuntimeError):
    """``albumen worker`` has no database to work on (or one at another schema version)."""


async def run_workers(
    database: Database,
    settings: Settings,
    stop_event: asyncio.Event,
    *,
    with_schedule: bool = True,
    metrics: Iterable[JobMetrics] | None = None,
    **worker_options: Any,
) -> None:
    """Run this process's job worker (and the cron schedule) until ``stop_event`` is set; running
    jobs then get the worker's shutdown timeout to finish before they are handed back to the queue.

    ``worker_options`` tune the :class:`Worker` (tests poll faster); without them the worker runs as
    ``albumen.jobs.run_worker`` sets it up, heartbeat included.
    """
    if metrics is None:
        metrics = (PrometheusJobMetrics(),)
    pipeline = Pipeline(database, settings)
    try:
        await pipeline.config_cache.refresh()
    except Exception:
        logger.exception("reading the admin config failed; the workers start with the defaults")
    registry = build_registry(pipeline)
    schedule = build_schedule(pipeline, registry) if with_schedule else None
    concurrency = pipeline.config_cache.job_concurrency
    if not worker_options:
        await run_worker(
            database, registry, settings, stop_event,
            concurrency_source=concurrency, schedule=schedule, metrics=metrics,
        )  # fmt: skip
        return
    worker = Worker(database, registry, concurrency, metrics=metrics, **worker_options)
    runs = [worker.run(stop_event)]
    if schedule is not None:
        runs.append(schedule.run(stop_event))
    await asyncio.gather(*runs)


def worker_database_url(settings: Settings) -> str:
    """The external database, or the embedded one of the ``albumen serve`` running on this data
    directory (a worker on the same host attaches to its Unix socket; it never starts one itself)."""
    external = settings.external_database_url
    if external is not None:
        return external
    lock = DataDirLock(settings.data_dir / "albumen.lock")
    try:
        lock.acquire()
    except DataDirInUseError:
        return EmbeddedPostgres(settings.pgdata).url(settings.db_database_name)
    lock.release()
    raise WorkerStartError(
        f"No `albumen serve` is running on the data directory {settings.data_dir}. A worker attaches to "
        "the embedded database of a running server on the same host: start `albumen serve` first "
        "(with ALBUMEN_WORKERS=false if only separate workers should process jobs), or point the "
        "worker at an external database with DB_URL or DB_HOSTNAME."
    )


def run_standalone(settings: Settings) -> None:
    """``albumen worker``: work until SIGTERM or SIGINT, then stop gracefully and exit 0."""
    url = worker_database_url(settings)
    asyncio.run(_standalone(settings, url))


async def _standalone(settings: Settings, url: str) -> None:
    database = Database.connect(url, pool_size=settings.db_pool_size)
    try:
        await _check_schema(database, settings)
        settings.media_root.mkdir(parents=True, exist_ok=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        logger.info("Albumen worker started (media in %s)", settings.media_root)
        async with metrics_server(database, settings, settings.microservices_metrics_port):
            await run_workers(database, settings, stop)
        logger.info("Albumen worker stopped")
    finally:
        await database.dispose()


async def _check_schema(database: Database, settings: Settings) -> None:
    if not settings.uses_embedded_database:
        await migrate(database.engine)  # under an advisory lock, like every other process
        return
    try:
        revision = await current_revision(database.engine)
    except OSError as error:
        raise WorkerStartError(f"Cannot reach the running server's database: {error}") from error
    if revision != head_revision():
        raise WorkerStartError(
            f"The running server's database schema is at revision {revision}, this worker expects "
            f"{head_revision()}: run the same Albumen version for the server and its workers."
        )
