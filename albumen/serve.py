"""``albumen serve``: database up, migrations, then uvicorn until SIGINT/SIGTERM, then a clean stop."""

from __future__ import annotations

import asyncio
import importlib
import logging
import signal
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from albumen.config import Settings
from albumen.db.bootstrap import DatabaseRuntime, claim_data_dir, open_database, start_database

if TYPE_CHECKING:
    import uvicorn

    from albumen.db.engine import Database
    from albumen.ml.child import MlChild

#: What ``_serve`` needs, imported while the embedded PostgreSQL starts (see ``start_while_importing``).
APPLICATION_MODULES = (
    "uvicorn",
    "albumen.api.app",
    "albumen.api.state",
    "albumen.metrics.exporter",
    "albumen.db.engine",
    "albumen.db.migrate",
)

logger = logging.getLogger(__name__)


class ListenError(RuntimeError):
    """The HTTP port can't be bound (taken, or not ours to use)."""


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind the HTTP port before the database starts: a taken port fails fast, leaving nothing running."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ListenError(
            f"cannot listen on {host}:{port}: {error.strerror or error}. "
            "Is another server using that port? Choose another with --port or IMMICH_PORT."
        ) from None
    return sock


def run_server(settings: Settings) -> None:
    # uvicorn re-raises the signal that stopped it once it has shut down; turning SIGTERM into
    # SystemExit lets the ``finally`` below stop PostgreSQL cleanly instead of dying mid-way.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    sock = bind_socket(settings.host, settings.port)
    try:
        runtime = start_while_importing(settings)
        try:
            with asyncio.Runner(loop_factory=_loop_factory()) as runner:
                runner.run(_serve(settings, runtime.url, sock))
        except KeyboardInterrupt:
            pass  # Ctrl-C is the ordinary way to stop a server started by hand: exit 0 like SIGTERM.
        finally:
            runtime.close()
    finally:
        sock.close()


def start_while_importing(settings: Settings) -> DatabaseRuntime:
    """Start the database in a thread while this one imports the application.

    initdb and pg_ctl mostly wait on child processes; importing FastAPI, SQLAlchemy and the routers
    is mostly CPU. Side by side, a start costs about the longer of the two instead of their sum.
    """
    lock = claim_data_dir(settings)  # first, so a second server on this data directory fails at once
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="albumen-database") as pool:
        starting = pool.submit(start_database, settings, lock)
        try:
            for module in APPLICATION_MODULES:
                importlib.import_module(module)
            return starting.result()
        except BaseException:
            # Interrupted (SIGTERM, a broken import): wait for the database, then stop what it started.
            if starting.exception() is None:
                starting.result().close()
            raise


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency of uvicorn[standard]
        return None
    return uvloop.new_event_loop


async def _serve(settings: Settings, url: str, sock: socket.socket) -> None:
    import uvicorn

    from albumen.api.app import create_app
    from albumen.api.state import AppState
    from albumen.metrics.exporter import metrics_server

    database = await open_database(DatabaseRuntime(url=url), settings)
    settings.media_root.mkdir(parents=True, exist_ok=True)
    app = create_app(AppState(settings=settings, database=database))
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http="httptools",
        loop="none",
        lifespan="on",
        log_config=None,
        access_log=False,
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )
    logger.info("Albumen listening on http://%s:%d", settings.host, settings.port)
    server = uvicorn.Server(config)
    ml_child = await _start_ml_child(settings, database)
    stop_workers = asyncio.Event()
    workers = (
        asyncio.create_task(_workers(settings, database, stop_workers, server))
        if settings.workers_enabled
        else None
    )
    try:
        async with metrics_server(database, settings, settings.api_metrics_port):
            await server.serve(sockets=[sock])
    finally:
        # After uvicorn's own shutdown: running jobs get the worker's grace period, then are released.
        if workers is not None:
            stop_workers.set()
            await workers
            await database.dispose()
        if ml_child is not None:
            await ml_child.stop()


async def _start_ml_child(settings: Settings, database: Database) -> MlChild | None:
    """Run ``albumen ml`` beside the server when no remote service is configured (see ``MlChild``).

    The environment decides first (``IMMICH_MACHINE_LEARNING_URL`` set or ML off: no child); then the
    admin config, so a server whose ``machineLearning.urls`` no longer name the local service, or whose
    machine learning is switched off, does not keep models in memory for nothing.
    """
    if not settings.runs_local_machine_learning:
        return None
    from albumen.ml.child import MlChild
    from albumen.services.system_config import get_config

    local_url = settings.local_machine_learning_url
    try:
        async with database.session() as db:
            ml = (await get_config(db, settings)).machineLearning
        wanted = ml.enabled and local_url in (url.rstrip("/") for url in ml.urls)
    except Exception:
        logger.exception("cannot read the machine-learning config; starting the local service anyway")
        wanted = True
    if not wanted:
        logger.info("machine learning is off or uses other services: not starting %s", local_url)
        return None
    child = MlChild(settings.ml_port)
    child.start()
    return child


async def _workers(
    settings: Settings, database: Database, stop: asyncio.Event, server: uvicorn.Server
) -> None:
    # The pipeline's imports cost seconds of CPU (and stay out of API-only processes): they wait
    # until the API answers and run in a thread, so they hold up neither startup nor the event loop.
    while not server.started:
        if stop.is_set():
            return
        await asyncio.sleep(0.05)
    try:
        await asyncio.to_thread(importlib.import_module, "albumen.worker")
        from albumen.worker import run_workers

        await run_workers(database, settings, stop)
    except Exception:
        logger.exception("the background workers stopped on an error; the API keeps serving")
