"""``albumen serve``: database up, migrations, then uvicorn until SIGINT/SIGTERM, then a clean stop."""

from __future__ import annotations

import asyncio
import logging
import signal

import uvicorn

from albumen.api.app import create_app
from albumen.api.state import AppState
from albumen.config import Settings
from albumen.db.bootstrap import open_database, start_database

logger = logging.getLogger(__name__)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def run_server(settings: Settings) -> None:
    # uvicorn re-raises the signal that stopped it once it has shut down; turning SIGTERM into
    # SystemExit lets the ``finally`` below stop PostgreSQL cleanly instead of dying mid-way.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    runtime = start_database(settings)
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(_serve(settings, runtime.url))
    finally:
        runtime.close()


def _loop_factory():  # type: ignore[no-untyped-def]
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency of uvicorn[standard]
        return None
    return uvloop.new_event_loop


async def _serve(settings: Settings, url: str) -> None:
    from albumen.db.bootstrap import DatabaseRuntime

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
    await uvicorn.Server(config).serve()
