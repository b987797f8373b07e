"""Liveness and readiness: is the database answering, can media be written, are job workers alive.

``albumen healthcheck`` (a container's HEALTHCHECK) asks the liveness URL over plain HTTP, so the
image needs no curl.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.repositories.worker_heartbeats import WorkerHeartbeatRepository
from albumen.dto.health import OK, ReadinessResponseDto
from albumen.jobs.heartbeat import HEARTBEAT_TIMEOUT

DATABASE_TIMEOUT_SECONDS = 3.0


async def readiness(database: Database, settings: Settings) -> ReadinessResponseDto:
    """Every check runs even when an earlier one fails, so the answer names all the problems."""
    database_state = await check_database(database)
    storage_state = await asyncio.to_thread(check_storage, settings.media_root, settings.ready_min_free_bytes)
    if not settings.workers_enabled:
        workers_state = "disabled"
    elif database_state != OK:
        workers_state = "unknown: the database is unavailable"
    else:
        workers_state = await check_workers(database)
    return ReadinessResponseDto(database=database_state, storage=storage_state, workers=workers_state)


async def check_database(database: Database) -> str:
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS), database.session() as session:
            await session.execute(text("SELECT 1"))
    except TimeoutError:
        return f"unavailable: no answer within {DATABASE_TIMEOUT_SECONDS:g}s"
    except Exception as error:
        return f"unavailable: {type(error).__name__}"
    return OK


def check_storage(media_root: Path, min_free_bytes: int) -> str:
    """The media location exists, a file can be created in it, and enough space is left."""
    if not media_root.is_dir():
        return f"missing: {media_root} does not exist"
    try:
        with tempfile.NamedTemporaryFile(dir=media_root, prefix=".albumen-ready-"):
            pass
    except OSError as error:
        return f"not writable: {error.strerror or error}"
    free = shutil.disk_usage(media_root).free
    if free < min_free_bytes:
        return f"low on space: {free} bytes free, fewer than {min_free_bytes}"
    return OK


async def check_workers(database: Database) -> str:
    async with database.session() as session:
        latest = await WorkerHeartbeatRepository(session).latest()
    if latest is None:
        return "no job worker is running"
    silent = datetime.now(UTC) - latest
    if silent > HEARTBEAT_TIMEOUT:
        return f"no job worker seen for {int(silent.total_seconds())}s"
    return OK


def default_url(settings: Settings, *, ml: bool) -> str:
    """The local liveness URL: this server's ping, or (``ml``) the ML service's."""
    if ml:
        from albumen.ml.settings import MlSettings  # imported late: the ML settings read the environment

        ml_settings = MlSettings()
        return f"http://{_loopback(ml_settings.host)}:{ml_settings.port}/ping"
    return f"http://{_loopback(settings.host)}:{settings.port}/api/server/ping"


def _loopback(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def probe(url: str, timeout: float = 5.0) -> tuple[bool, str]:
    """GET ``url``; healthy on a 2xx answer. Returns (healthy, what happened) for the log."""
    request = urllib.request.Request(url, headers={"User-Agent": "albumen-healthcheck"})
    # The URL comes from the operator or our own settings, never from a request.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        return False, f"{url} answered {error.code}"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return False, f"{url} did not answer: {reason}"
    return 200 <= status < 300, f"{url} answered {status}"
