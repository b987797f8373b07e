"""The ``/metrics`` endpoint on its own port (Immich's ``IMMICH_API_METRICS_PORT`` and
``IMMICH_MICROSERVICES_METRICS_PORT``), served by a second uvicorn server on the process's event loop
so scrape-time gauges can query the database asynchronously."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import Receive, Scope, Send

from albumen.config import TELEMETRY_GROUPS, Settings
from albumen.db.engine import Database
from albumen.metrics import REGISTRIES
from albumen.metrics.refresh import GaugeRefresher

logger = logging.getLogger(__name__)


def exposition(groups: Iterable[str]) -> bytes:
    """Prometheus text for the given telemetry groups, in Immich's group order."""
    wanted = set(groups)
    return b"".join(generate_latest(REGISTRIES[group]) for group in TELEMETRY_GROUPS if group in wanted)


class MetricsApp:
    """A bare ASGI app: ``GET /metrics`` and nothing else."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.groups = settings.telemetry_groups
        self.refresher = GaugeRefresher(database, settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] != "/metrics" or scope["method"] not in ("GET", "HEAD"):
            await _respond(send, 404, b"Not Found\n", b"text/plain; charset=utf-8")
            return
        try:
            await self.refresher.refresh()
        except Exception:
            logger.exception("metrics: refreshing gauges failed")
        body = await asyncio.to_thread(exposition, self.groups)
        await _respond(send, 200, body if scope["method"] == "GET" else b"", CONTENT_TYPE_LATEST.encode())


async def _respond(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


@asynccontextmanager
async def metrics_server(database: Database, settings: Settings, port: int) -> AsyncIterator[bool]:
    """Serve ``/metrics`` on ``port`` while the block runs, when telemetry is switched on.

    Yields whether it serves. A port that cannot be bound is logged, not fatal: the photo library
    matters more than its metrics.
    """
    if not settings.telemetry_groups:
        yield False
        return
    try:
        sock = _bind(settings.host, port)
    except OSError as error:
        logger.error("metrics: cannot listen on %s:%d (%s); metrics are off", settings.host, port, error)
        yield False
        return
    config = uvicorn.Config(
        MetricsApp(database, settings),
        lifespan="off",
        log_config=None,
        access_log=False,
        loop="none",
        http="h11",
    )
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="albumen-metrics")
    logger.info("metrics on http://%s:%d/metrics", settings.host, port)
    try:
        yield True
    finally:
        server.should_exit = True
        with suppress(Exception):
            await asyncio.wait_for(task, 5)
        sock.close()


class _QuietServer(uvicorn.Server):
    """Leaves signals to the main server: the process stops both when it stops."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock
