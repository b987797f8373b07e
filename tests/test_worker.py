"""Workers as processes: inside ``albumen serve`` (the API stays responsive while they decode) and as
``albumen worker`` attached to a running server's database, stopped gracefully by SIGTERM."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import SHARED, LiveServer
from tests.helpers import ADMIN_EMAIL, ADMIN_PASSWORD, UPLOAD_DATES

pytestmark = pytest.mark.slow


def _admin_headers(server: LiveServer) -> dict[str, str]:
    signup = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "name": "Admin"}
    assert httpx.post(f"{server.url}/api/auth/admin-sign-up", json=signup).status_code == 201
    login = httpx.post(
        f"{server.url}/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    return {"Authorization": f"Bearer {login.json()['accessToken']}"}


def _upload(server: LiveServer, headers: dict[str, str], path: Path) -> str:
    files = {"assetData": (path.name, path.read_bytes(), "image/jpeg")}
    response = httpx.post(
        f"{server.url}/api/assets", data=UPLOAD_DATES, files=files, headers=headers, timeout=60
    )
    assert response.status_code == 201, response.text
    asset_id: str = response.json()["id"]
    return asset_id


def _processed(server: LiveServer, headers: dict[str, str], asset_id: str) -> bool:
    body = httpx.get(f"{server.url}/api/assets/{asset_id}", headers=headers, timeout=30).json()
    return bool(body.get("thumbhash"))


def _corpus(directory: Path, count: int) -> list[Path]:
    subprocess.run(
        [sys.executable, str(SHARED / "tools" / "make-corpus.py"), str(directory), "--count", str(count),
         "--megapixels", "8", "--seed", "7"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return sorted(directory.glob("*.jpg"))


def test_the_api_stays_responsive_while_twenty_photos_are_processed(
    live_server: LiveServer, tmp_path: Path
) -> None:
    photos = _corpus(tmp_path / "corpus", 20)
    assert len(photos) == 20
    live_server.start()
    headers = _admin_headers(live_server)
    ids = [_upload(live_server, headers, photo) for photo in photos]

    latencies: list[float] = []
    pending = set(ids)
    deadline = time.monotonic() + 240
    with httpx.Client(base_url=live_server.url) as http:
        while pending and time.monotonic() < deadline:
            for _ in range(10):
                started = time.perf_counter()
                assert http.get("/api/server/ping").status_code == 200
                latencies.append(time.perf_counter() - started)
                time.sleep(0.05)
            pending = {asset_id for asset_id in pending if not _processed(live_server, headers, asset_id)}
    assert not pending, f"{len(pending)} photos were not processed in time"
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)]
    assert statistics.median(latencies) < 0.05 and p95 < 0.25, (statistics.median(latencies), p95)


def test_a_worker_refuses_to_start_without_a_server_on_its_data_directory(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DB_")}
    result = subprocess.run(
        [sys.executable, "-m", "albumen.cli", "worker", "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert "No `albumen serve` is running on the data directory" in result.stderr


def test_a_worker_attaches_to_a_running_servers_database_and_stops_on_sigterm(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ALBUMEN_WORKERS", "false")
    live_server.start()
    headers = _admin_headers(live_server)
    asset_id = _upload(
        live_server, headers, SHARED / "testdata/immich-test-assets/albums/nature/silver_fir.jpg"
    )
    time.sleep(2)
    assert not _processed(live_server, headers, asset_id)  # the server runs no workers

    log = tmp_path / "worker.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DB_")}
    worker = subprocess.Popen(
        [sys.executable, "-m", "albumen.cli", "worker", "--data-dir", str(live_server.data_dir)],
        stdout=open(log, "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not _processed(live_server, headers, asset_id):
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0, log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
