"""The operator's commands as an operator runs them: healthcheck, backup, restore, admin."""

from __future__ import annotations

import asyncio
import gzip
import http.server
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from albumen.cli import main
from albumen.config import Settings
from albumen.db.embedded import DataDirLock
from albumen.db.engine import Database
from albumen.services import backups, system_config
from tests.conftest import free_port
from tests.helpers import ADMIN_PASSWORD, create_user, login, sign_up_admin


@pytest.fixture(autouse=True)
def keep_logging() -> Iterator[None]:
    """The commands configure logging for the process; put the test run's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def albumen(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=False)


async def albumen_async(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """Run a command from an async test (it starts its own event loop, so in a thread)."""
    return await asyncio.to_thread(albumen, *args, env=env, input=input)


# -- healthcheck ----------------------------------------------------------------------------------


class FakeServer:
    """An HTTP server answering every GET with ``status``; remembers the paths asked."""

    def __init__(self, status: int) -> None:
        self.paths: list[str] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.paths.append(self.path)
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b'{"res":"pong"}')

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def healthy() -> Iterator[FakeServer]:
    server = FakeServer(200)
    yield server
    server.close()


def test_healthcheck_asks_the_local_server_by_default(healthy: FakeServer) -> None:
    result = albumen("healthcheck", env={"IMMICH_HOST": "0.0.0.0", "IMMICH_PORT": str(healthy.port)})
    assert result.exit_code == 0, result.output
    assert healthy.paths == ["/api/server/ping"]
    assert f"http://127.0.0.1:{healthy.port}/api/server/ping answered 200" in result.output


def test_healthcheck_of_the_ml_service(healthy: FakeServer) -> None:
    result = albumen("healthcheck", "--ml", env={"MACHINE_LEARNING_PORT": str(healthy.port)})
    assert result.exit_code == 0, result.output
    assert healthy.paths == ["/ping"]


def test_healthcheck_fails_on_an_error_status() -> None:
    server = FakeServer(503)
    try:
        result = albumen("healthcheck", "--url", f"http://127.0.0.1:{server.port}/api/server/ping")
    finally:
        server.close()
    assert result.exit_code == 1
    assert "answered 503" in result.output


def test_healthcheck_fails_when_nothing_answers() -> None:
    result = albumen(
        "healthcheck", "--url", f"http://127.0.0.1:{free_port()}/api/server/ping", "--timeout", "2"
    )
    assert result.exit_code == 1
    assert "did not answer" in result.output


# -- admin ----------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(database_url: str) -> dict[str, str]:
    """The environment of a command run against the test's database."""
    return {"DB_URL": database_url}


async def test_list_users(client: httpx.AsyncClient, cli_env: dict[str, str], tmp_path: Path) -> None:
    admin = await sign_up_admin(client)
    await create_user(client, admin, "user@albumen.test")
    result = await albumen_async("admin", "list-users", "--data-dir", str(tmp_path), env=cli_env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert (
        lines[0].startswith(admin.user_id) and "admin@albumen.test" in lines[0] and lines[0].endswith("admin")
    )
    assert "user@albumen.test" in lines[1] and not lines[1].endswith("admin")


async def test_reset_admin_password(
    client: httpx.AsyncClient, cli_env: dict[str, str], tmp_path: Path
) -> None:
    await sign_up_admin(client)
    chosen = await albumen_async(
        "admin", "reset-admin-password", "--password", "brand-new", "--data-dir", str(tmp_path), env=cli_env
    )
    assert chosen.exit_code == 0, chosen.output
    assert "admin@albumen.test" in chosen.output and "brand-new" not in chosen.output
    await login(client, "admin@albumen.test", "brand-new")
    refused = await client.post(
        "/api/auth/login", json={"email": "admin@albumen.test", "password": ADMIN_PASSWORD}
    )
    assert refused.status_code == 401

    generated = await albumen_async("admin", "reset-admin-password", "--data-dir", str(tmp_path), env=cli_env)
    assert generated.exit_code == 0, generated.output
    password = generated.output.strip().splitlines()[-1]
    assert len(password) >= 20
    await login(client, "admin@albumen.test", password)


async def test_reset_admin_password_without_an_admin(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = await albumen_async("admin", "reset-admin-password", "--data-dir", str(tmp_path), env=cli_env)
    assert result.exit_code == 1
    assert "no admin user yet" in result.output


async def test_login_switches(
    client: httpx.AsyncClient, database: Database, settings: Settings, cli_env: dict[str, str], tmp_path: Path
) -> None:
    async def features() -> dict[str, bool]:
        system_config.invalidate_cache()
        response = await client.get("/api/server/features")
        return {"password": response.json()["passwordLogin"], "oauth": response.json()["oauth"]}

    assert await features() == {"password": True, "oauth": False}
    for command, expected in (
        ("disable-password-login", {"password": False, "oauth": False}),
        ("enable-oauth-login", {"password": False, "oauth": True}),
        ("enable-password-login", {"password": True, "oauth": True}),
        ("disable-oauth-login", {"password": True, "oauth": False}),
    ):
        result = await albumen_async("admin", command, "--data-dir", str(tmp_path), env=cli_env)
        assert result.exit_code == 0, result.output
        assert await features() == expected, command


# -- backup and restore ---------------------------------------------------------------------------


async def test_backup_into_the_backups_folder_or_a_file(
    client: httpx.AsyncClient, cli_env: dict[str, str], tmp_path: Path
) -> None:
    await sign_up_admin(client)
    data_dir = tmp_path / "data"
    result = await albumen_async("backup", "--data-dir", str(data_dir), env=cli_env)
    assert result.exit_code == 0, result.output
    written = list((data_dir / "media" / "backups").iterdir())
    assert len(written) == 1 and written[0].name.startswith("albumen-db-backup-")
    assert f"Database backup written to {written[0]}" in result.output

    output = tmp_path / "elsewhere" / "now.sql.gz"
    result = await albumen_async("backup", "--data-dir", str(data_dir), "--output", str(output), env=cli_env)
    assert result.exit_code == 0, result.output
    assert b"admin@albumen.test" in gzip.decompress(output.read_bytes())


async def test_restore_asks_then_replaces_the_database(
    client: httpx.AsyncClient, database: Database, settings: Settings, cli_env: dict[str, str], tmp_path: Path
) -> None:
    admin = await sign_up_admin(client)
    dump = await backups.create_backup(database, settings, output=tmp_path / "before.sql.gz")
    await create_user(client, admin, "later@albumen.test")

    declined = await albumen_async(
        "restore", str(dump), "--data-dir", str(tmp_path), env=cli_env, input="n\n"
    )
    assert declined.exit_code == 1
    assert "Replace everything in the database 'albumen'" in declined.output
    assert (await client.get("/api/admin/users", headers=admin.headers)).status_code == 200

    result = await albumen_async("restore", str(dump), "--data-dir", str(tmp_path), "--yes", env=cli_env)
    assert result.exit_code == 0, result.output
    assert "Restored before.sql.gz" in result.output
    await database.dispose()  # the restore ended every other connection
    users = await client.get("/api/admin/users", headers=admin.headers)
    assert [user["email"] for user in users.json()] == ["admin@albumen.test"]


async def test_restore_refuses_a_dump_from_a_newer_albumen(tmp_path: Path, cli_env: dict[str, str]) -> None:
    future = tmp_path / "future.sql.gz"
    future.write_bytes(gzip.compress(b"COPY public.alembic_version (version_num) FROM stdin;\n9999\n\\.\n"))
    result = await albumen_async("restore", str(future), "--yes", "--data-dir", str(tmp_path), env=cli_env)
    assert result.exit_code == 1
    assert "taken from a newer Albumen (schema revision 9999" in result.output
    assert "Upgrade Albumen first" in result.output

    foreign = tmp_path / "immich-db-backup.sql.gz"
    foreign.write_bytes(gzip.compress(b"CREATE TABLE asset ();\n"))
    result = await albumen_async("restore", str(foreign), "--yes", "--data-dir", str(tmp_path), env=cli_env)
    assert result.exit_code == 1
    assert "is not a dump of an Albumen database" in result.output


async def test_restore_refuses_while_a_server_holds_the_data_directory(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    dump = await backups.create_backup(database, settings, output=tmp_path / "dump.sql.gz")
    data_dir = tmp_path / "held"
    lock = DataDirLock(data_dir / "albumen.lock")
    lock.acquire()
    try:
        result = await albumen_async(
            "restore", str(dump), "--yes", "--data-dir", str(data_dir), env={"DB_URL": ""}
        )
    finally:
        lock.release()
    assert result.exit_code == 1
    assert f"is using the data directory {data_dir}. Stop it first" in result.output
    assert not (data_dir / "postgres").exists(), "no cluster was started"
