"""``albumen serve`` as a process: clean stops, crashes, a shared data directory, a taken port."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import LiveServer, free_port
from tests.helpers import ADMIN_EMAIL, ADMIN_PASSWORD, create_api_key, login, sign_up_admin

pytestmark = pytest.mark.slow


def postmasters(pgdata: Path) -> list[psutil.Process]:
    """Live postmasters serving ``pgdata`` (backends rename themselves, so only postmasters match)."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        command = process.info["cmdline"] or []
        if process.info["status"] == psutil.STATUS_ZOMBIE or "-D" not in command:
            continue
        if Path(command[0]).name != "postgres":
            continue
        if Path(command[command.index("-D") + 1]).resolve() == pgdata.resolve():
            found.append(process)
    return found


def pgdata(server: LiveServer) -> Path:
    return server.data_dir / "postgres"


def serve_once(data_dir: Path, port: int) -> subprocess.CompletedProcess[str]:
    """Run ``albumen serve`` expecting it to give up by itself."""
    env = {key: value for key, value in os.environ.items() if key not in ("DB_URL", "DB_HOSTNAME")}
    command = [sys.executable, "-m", "albumen.cli", "serve", "--data-dir", str(data_dir)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)


async def test_sigterm_stops_postgres_and_a_restart_keeps_users_and_keys(live_server: LiveServer) -> None:
    await asyncio.to_thread(live_server.start)
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        admin = await sign_up_admin(http)
        key = await create_api_key(http, admin)

    exit_code = await asyncio.to_thread(live_server.stop, signal.SIGTERM)

    assert exit_code == 0, live_server.log()
    assert postmasters(pgdata(live_server)) == []
    assert not (pgdata(live_server) / "postmaster.pid").exists()

    await asyncio.to_thread(live_server.start)
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        by_key = await http.get("/api/users/me", headers={"x-api-key": key})
        assert by_key.status_code == 200, by_key.text
        assert by_key.json()["email"] == ADMIN_EMAIL
        by_old_session = await http.get("/api/users/me", headers=admin.headers)
        assert by_old_session.status_code == 200, by_old_session.text
        again = await login(http, ADMIN_EMAIL, ADMIN_PASSWORD)
        assert again.user_id == admin.user_id


async def test_sigkill_then_restart_keeps_data_and_reuses_one_postmaster(live_server: LiveServer) -> None:
    await asyncio.to_thread(live_server.start)
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        admin = await sign_up_admin(http)
        key = await create_api_key(http, admin)

    assert await asyncio.to_thread(live_server.stop, signal.SIGKILL) == -signal.SIGKILL

    await asyncio.to_thread(live_server.start)
    assert len(postmasters(pgdata(live_server))) == 1
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        response = await http.get("/api/users/me", headers={"x-api-key": key})
        assert response.status_code == 200, response.text
        assert response.json()["id"] == admin.user_id

    assert await asyncio.to_thread(live_server.stop, signal.SIGTERM) == 0
    assert postmasters(pgdata(live_server)) == []


async def test_second_server_on_the_same_data_dir_is_refused(live_server: LiveServer) -> None:
    await asyncio.to_thread(live_server.start)

    second = await asyncio.to_thread(serve_once, live_server.data_dir, free_port())

    assert second.returncode != 0
    assert str(live_server.data_dir) in second.stderr
    assert "data directory" in second.stderr
    assert "Traceback" not in second.stderr
    assert live_server.process is not None and live_server.process.poll() is None
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        assert (await http.get("/api/server/ping")).json() == {"res": "pong"}
    assert len(postmasters(pgdata(live_server))) == 1


async def test_taken_port_fails_clearly_and_leaves_no_postmaster() -> None:
    data_dir = Path(f"/tmp/albumen-port-{uuid.uuid4().hex[:8]}")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = await asyncio.to_thread(serve_once, data_dir, port)
    try:
        assert result.returncode != 0
        assert f"127.0.0.1:{port}" in result.stderr
        assert "in use" in result.stderr
        assert "Traceback" not in result.stderr
        assert postmasters(data_dir / "postgres") == []
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
