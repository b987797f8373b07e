"""Liveness and readiness as a probe sees them, and the correlation id in the JSON log."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.jobs.heartbeat import beat
from albumen.log import configure_logging
from tests.helpers import app_client


async def test_ping_answers_pong(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/server/ping")
    assert (response.status_code, response.json()) == (200, {"res": "pong"})


async def test_ready_when_database_storage_and_a_worker_are_fine(
    client: httpx.AsyncClient, database: Database
) -> None:
    await beat(database, "test-worker")
    response = await client.get("/api/server/ready")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "storage": "ok", "workers": "ok"}


async def test_not_ready_while_no_worker_has_a_heartbeat(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/server/ready")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "storage": "ok", "workers": "no job worker is running"}


async def test_workers_are_not_checked_in_an_api_only_process(database: Database, settings: Settings) -> None:
    settings.workers_enabled = False
    settings.media_root.mkdir(parents=True)
    async with app_client(database, settings) as client:
        response = await client.get("/api/server/ready")
    assert (response.status_code, response.json()["workers"]) == (200, "disabled")


async def test_not_ready_when_the_media_location_is_missing(database: Database, settings: Settings) -> None:
    await beat(database, "test-worker")
    async with app_client(database, settings) as client:
        response = await client.get("/api/server/ready")
    assert response.status_code == 503
    assert response.json()["storage"] == f"missing: {settings.media_root} does not exist"
    assert response.json()["database"] == "ok"


async def test_not_ready_when_free_space_is_below_the_threshold(
    database: Database, settings: Settings
) -> None:
    await beat(database, "test-worker")
    settings.media_root.mkdir(parents=True)
    settings.ready_min_free_bytes = 2**62
    async with app_client(database, settings) as client:
        response = await client.get("/api/server/ready")
    assert response.status_code == 503
    assert response.json()["storage"].startswith("low on space: ")


async def test_not_ready_when_the_database_is_down(settings: Settings) -> None:
    settings.media_root.mkdir(parents=True)
    unreachable = Database.connect("postgresql+asyncpg://postgres@/nowhere?host=/nonexistent-socket-dir")
    async with app_client(unreachable, settings) as client:
        response = await client.get("/api/server/ready")
    await unreachable.dispose()
    assert response.status_code == 503
    body = response.json()
    assert body["database"].startswith("unavailable: ")
    assert body["workers"] == "unknown: the database is unavailable"


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The process's JSON log (as ``ALBUMEN_LOG_FORMAT=json`` configures it), written to a buffer."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("debug", "json")
    buffer = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_a_request_log_line_carries_the_correlation_id_the_client_got(
    client: httpx.AsyncClient, json_logs: io.StringIO
) -> None:
    response = await client.get("/api/server/version")
    correlation_id = response.headers["x-correlation-id"]
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    request_lines = [line for line in lines if line.get("path") == "/api/server/version"]
    assert len(request_lines) == 1, lines
    assert request_lines[0]["correlation_id"] == correlation_id
    assert (request_lines[0]["status"], request_lines[0]["method"]) == (200, "GET")


async def test_a_correlation_id_sent_by_the_client_is_kept_in_the_log(
    client: httpx.AsyncClient, json_logs: io.StringIO
) -> None:
    response = await client.get("/api/server/version", headers={"X-Correlation-ID": "trace-1234"})
    assert response.headers["x-correlation-id"] == "trace-1234"
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    assert any(
        line.get("correlation_id") == "trace-1234" and line.get("path") == "/api/server/version"
        for line in lines
    )
