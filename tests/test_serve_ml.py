"""A default ``albumen serve`` runs its own ``albumen ml``: faces work with nothing else started, and the
child never outlives the server (SIGTERM, SIGKILL) nor stays dead after a crash."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from tests.conftest import TESTDATA, LiveServer, free_port
from tests.helpers import sign_up_admin, upload_asset

pytestmark = pytest.mark.slow

PORTRAIT = TESTDATA / "immich-test-assets/metadata/faces/portrait.jpg"


def ml_children(server: LiveServer) -> list[psutil.Process]:
    assert server.process is not None
    try:
        children = psutil.Process(server.process.pid).children()
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:
            if "ml" in child.cmdline() and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.Error:  # gone, or a zombie not yet reaped
            pass
    return found


def wait_for_child(server: LiveServer, not_pid: int | None = None, timeout: float = 60) -> psutil.Process:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = [child for child in ml_children(server) if child.pid != not_pid]
        if children:
            return children[0]
        time.sleep(0.2)
    raise TimeoutError(f"no albumen ml child:\n{server.log()}")


def wait_for_ping(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1).text == "pong":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"the ML child did not answer on port {port}")


def exits(process: psutil.Process, timeout: float = 15) -> bool:
    """Whether ``process`` ends within ``timeout`` (an orphan's zombie, not yet reaped, counts as ended)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


async def faces_of(http: httpx.AsyncClient, headers: dict[str, str], asset_id: str) -> list[dict[str, Any]]:
    response = await http.get("/api/faces", params={"id": asset_id}, headers=headers)
    assert response.status_code == 200, response.text
    faces: list[dict[str, Any]] = response.json()
    return faces


@pytest.fixture
def ml_server(live_server: LiveServer, tmp_path: Path) -> LiveServer:
    live_server.machine_learning = True
    live_server.env = {
        "ALBUMEN_ML_PORT": str(free_port()),
        "MACHINE_LEARNING_CACHE_FOLDER": str(tmp_path / "ml-cache"),
        "MACHINE_LEARNING_REQUEST_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
    }
    return live_server


async def test_serve_detects_faces_through_its_own_ml_child_which_dies_with_it(ml_server: LiveServer) -> None:
    ml_port = int(ml_server.env["ALBUMEN_ML_PORT"])
    await asyncio.to_thread(ml_server.start)
    child = await asyncio.to_thread(wait_for_child, ml_server)
    assert child.nice() >= 10
    await asyncio.to_thread(wait_for_ping, ml_port)

    async with httpx.AsyncClient(base_url=ml_server.url, timeout=30) as http:
        admin = await sign_up_admin(http)
        config = (await http.get("/api/admin/config", headers=admin.headers)).json()
        assert config["machineLearning"]["urls"] == [f"http://127.0.0.1:{ml_port}"]
        uploaded = await upload_asset(http, admin, PORTRAIT)
        assert uploaded.status_code == 201, uploaded.text
        asset_id = uploaded.json()["id"]
        deadline = time.monotonic() + 240
        faces: list[dict[str, Any]] = []
        while time.monotonic() < deadline and len(faces) < 2:
            await asyncio.sleep(1)
            faces = await faces_of(http, admin.headers, asset_id)
        assert len(faces) == 2, ml_server.log()
        features = (await http.get("/api/server/features", headers=admin.headers)).json()
        assert features["facialRecognition"] is True

    # A crashed child is started again.
    child.kill()
    restarted = await asyncio.to_thread(wait_for_child, ml_server, child.pid)
    await asyncio.to_thread(wait_for_ping, ml_port)

    assert await asyncio.to_thread(ml_server.stop, signal.SIGTERM) == 0
    assert await asyncio.to_thread(exits, restarted), "the ML child outlived a SIGTERMed server"

    # Killed without a chance to clean up, the server still takes its child along (PDEATHSIG).
    await asyncio.to_thread(ml_server.start)
    child = await asyncio.to_thread(wait_for_child, ml_server)
    assert await asyncio.to_thread(ml_server.stop, signal.SIGKILL) == -signal.SIGKILL
    assert await asyncio.to_thread(exits, child), "the ML child outlived a SIGKILLed server"


async def test_no_child_when_a_remote_service_is_configured(live_server: LiveServer) -> None:
    live_server.machine_learning = True
    live_server.env = {
        "IMMICH_MACHINE_LEARNING_URL": "http://127.0.0.1:9",
        "ALBUMEN_ML_PORT": str(free_port()),
    }
    await asyncio.to_thread(live_server.start)
    await asyncio.sleep(2)
    assert ml_children(live_server) == []
