"""Shared fixtures: one real PostgreSQL for the whole run, a fresh database per test, real HTTP."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from albumen.api.app import create_app
from albumen.api.state import AppState
from albumen.config import Settings
from albumen.db.embedded import EmbeddedPostgres
from albumen.db.engine import Database
from albumen.db.migrate import migrate

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
TESTDATA = SHARED / "testdata"
TEMPLATE_DATABASE = "albumen_template"


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    # A short base path keeps the Unix socket path under its length limit.
    root = Path(f"/tmp/albumen-test-{os.getpid()}")
    server = EmbeddedPostgres(root / "postgres")
    server.start()
    server.create_database(TEMPLATE_DATABASE)

    async def migrate_template() -> None:
        engine = create_async_engine(server.url(TEMPLATE_DATABASE))
        await migrate(engine)
        await engine.dispose()

    asyncio.run(migrate_template())
    yield server
    server.stop()
    subprocess.run(["rm", "-rf", str(root)], check=False)


@pytest.fixture
def database_url(postgres: EmbeddedPostgres) -> Iterator[str]:
    """A fresh, migrated database (copied from the template) for one test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    psql = [
        str(postgres.binary("psql")),
        "-h",
        str(postgres.socket_dir),
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-qc",
    ]
    subprocess.run(
        [*psql, f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE_DATABASE}'], check=True, capture_output=True
    )
    yield postgres.url(name)
    subprocess.run(
        [*psql, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=False, capture_output=True
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # The default ML URL is the local service `albumen serve` runs (ALBUMEN_ML_PORT); nothing listens on
    # port 9, so no test reaches a service another test (or engineer) happens to run on 3003.
    return Settings(data_dir=tmp_path / "data", db_url=None, ml_port=9)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database.connect(database_url, pool_size=5)
    yield db
    await db.dispose()


@pytest.fixture
async def client(database: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to a fresh app over ASGI (real routing, real auth, real database)."""
    settings.media_root.mkdir(parents=True, exist_ok=True)
    app = create_app(AppState(settings=settings, database=database))
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://albumen.test") as http:
        yield http


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """An ``albumen serve`` process on its own data directory and port."""

    data_dir: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    #: Off by default: a server with machine learning starts ``albumen ml`` as a child, which costs
    #: memory and CPU that tests not about machine learning should not pay. ``env`` adds variables.
    machine_learning: bool = False
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> float:
        """Start and wait until ping answers; returns seconds taken."""
        self.log_path = self.data_dir.parent / f"server-{self.port}.log"
        env = {
            **os.environ,
            "IMMICH_LOG_LEVEL": "log",
            "IMMICH_MACHINE_LEARNING_ENABLED": str(self.machine_learning).lower(),
            **self.env,
        }
        env.pop("DB_URL", None)
        env.pop("DB_HOSTNAME", None)
        started = time.monotonic()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "albumen.cli",
                "serve",
                "--data-dir",
                str(self.data_dir),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=open(self.log_path, "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            env=env,
        )
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"albumen serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/api/server/ping", timeout=1).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"albumen serve did not answer within {timeout}s:\n{self.log()}")

    def stop(self, sig: int | None = None, timeout: float = 30) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        if sig is None:
            self.process.terminate()
        else:
            self.process.send_signal(sig)
        return self.process.wait(timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(data_dir=Path(f"/tmp/albumen-live-{uuid.uuid4().hex[:8]}"), port=free_port())
    yield server
    server.stop()
    pg = EmbeddedPostgres(server.data_dir / "postgres")
    pg.stop()
    subprocess.run(["rm", "-rf", str(server.data_dir)], check=False)
