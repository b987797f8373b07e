"""A real ``albumen ml`` service for the server's machine-learning tests, and the config pointing at it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from albumen.services.ml_client import reset_health
from tests.conftest import free_port
from tests.helpers import LoggedIn

#: Nothing listens here: the ML service "is down".
DEAD_URL = "http://127.0.0.1:9"


@pytest.fixture(scope="session")
def ml_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``albumen ml`` on a free port, faces and OCR from the bundled models (no download)."""
    port = free_port()
    folder = tmp_path_factory.mktemp("ml-service")
    env = {
        **os.environ,
        "MACHINE_LEARNING_CACHE_FOLDER": str(folder / "cache"),
        "MACHINE_LEARNING_REQUEST_THREADS": "1",
        "MACHINE_LEARNING_MODEL_TTL": "0",
        "HF_HUB_OFFLINE": "1",
    }
    log = (folder / "ml.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "albumen.cli", "ml", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, process, folder / "ml.log")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"albumen ml exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/ping", timeout=1).text == "pong":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"albumen ml did not answer at {url}")


async def use_ml(
    client: httpx.AsyncClient, admin: LoggedIn, url: str, *, min_faces: int = 2, **sections: Any
) -> None:
    """Point the server at ``url`` for faces and OCR (CLIP off: no CLIP model exists here)."""
    reset_health()
    config: dict[str, Any] = {
        "machineLearning": {
            "enabled": True,
            "urls": [url],
            "clip": {"enabled": False},
            "duplicateDetection": {"enabled": False},
            "facialRecognition": {"enabled": True, "minFaces": min_faces},
            "ocr": {"enabled": True},
            **sections,
        }
    }
    response = await client.put("/api/admin/config", json=config, headers=admin.headers)
    assert response.status_code == 200, response.text
