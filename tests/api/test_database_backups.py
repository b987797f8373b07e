"""Database backups through the admin API and the job queue: make, list, download, upload, delete,
prune, the nightly schedule, and a restore inside maintenance mode."""

from __future__ import annotations

import asyncio
import gzip
import re
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.jobs import Schedule
from albumen.services import backups, maintenance, system_config
from albumen.services.backups import backup_schedule, backups_dir
from tests.helpers import LoggedIn, create_user, run_jobs, sign_up_admin

ROUTINE = re.compile(r"^albumen-db-backup-\d{8}T\d{6}-v[\w.]+-pg\d+\.sql\.gz$")


async def backup_via_job(
    client: httpx.AsyncClient, admin: LoggedIn, database: Database, settings: Settings
) -> str:
    response = await client.post("/api/jobs", json={"name": "backup-database"}, headers=admin.headers)
    assert response.status_code == 204, response.text
    await run_jobs(database, settings)
    listed = (await client.get("/api/admin/database-backups", headers=admin.headers)).json()["backups"]
    assert listed, "the backup job wrote nothing"
    name: str = listed[0]["filename"]
    return name


async def test_backup_job_writes_a_listed_downloadable_dump(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    assert (await client.get("/api/admin/database-backups", headers=admin.headers)).json() == {"backups": []}

    name = await backup_via_job(client, admin, database, settings)
    assert ROUTINE.fullmatch(name), name
    listed = (await client.get("/api/admin/database-backups", headers=admin.headers)).json()["backups"]
    path = backups_dir(settings) / name
    assert listed == [{"filename": name, "filesize": path.stat().st_size, "timezone": listed[0]["timezone"]}]
    assert not list(backups_dir(settings).glob("*.tmp")), "no partial file is left"

    download = await client.get(f"/api/admin/database-backups/{name}", headers=admin.headers)
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/gzip"
    assert download.content == path.read_bytes()
    dump = gzip.decompress(download.content).decode()
    assert "COPY public.alembic_version (version_num) FROM stdin;" in dump
    assert admin.email in dump


async def test_download_and_delete_refuse_bad_names(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    missing = await client.get("/api/admin/database-backups/nothing-here.sql.gz", headers=admin.headers)
    assert missing.status_code == 404
    not_a_backup = await client.get("/api/admin/database-backups/notes.txt", headers=admin.headers)
    assert (not_a_backup.status_code, not_a_backup.json()) == (400, {"message": "Invalid backup name!"})
    escape = await client.request(
        "DELETE", "/api/admin/database-backups", json={"backups": ["../secret.sql.gz"]}, headers=admin.headers
    )
    assert (escape.status_code, escape.json()) == (400, {"message": "Invalid backup name!"})


async def test_upload_and_delete(client: httpx.AsyncClient, settings: Settings) -> None:
    admin = await sign_up_admin(client)
    dump = gzip.compress(b"SELECT 1;\n")
    upload = await client.post(
        "/api/admin/database-backups/upload",
        files={"file": ("old-server.sql.gz", dump, "application/gzip")},
        headers=admin.headers,
    )
    assert upload.status_code == 201, upload.text
    assert (backups_dir(settings) / "uploaded-old-server.sql.gz").read_bytes() == dump
    listed = (await client.get("/api/admin/database-backups", headers=admin.headers)).json()["backups"]
    assert [entry["filename"] for entry in listed] == ["uploaded-old-server.sql.gz"]

    for filename, content in (
        ("notes.txt", dump),
        ("plain.sql.gz", b"SELECT 1;\n"),
        ("dump.sql", b"SELECT 1;"),
    ):
        refused = await client.post(
            "/api/admin/database-backups/upload", files={"file": (filename, content)}, headers=admin.headers
        )
        assert refused.status_code == 400, filename

    deleted = await client.request(
        "DELETE",
        "/api/admin/database-backups",
        json={"backups": ["uploaded-old-server.sql.gz"]},
        headers=admin.headers,
    )
    assert deleted.status_code == 200
    assert (await client.get("/api/admin/database-backups", headers=admin.headers)).json() == {"backups": []}


def test_prune_keeps_the_newest_routine_dumps(tmp_path: Path) -> None:
    names = [f"albumen-db-backup-2026010{day}T020000-v0.1.0-pg18.sql.gz" for day in range(1, 6)]
    for name in [
        *names,
        "uploaded-mine.sql.gz",
        "restore-point-albumen-db-backup-20260101T020000-v0.1.0-pg18.sql.gz",
    ]:
        (tmp_path / name).write_bytes(b"x")
    removed = backups.prune(tmp_path, 2)
    assert sorted(removed) == names[:3]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [
            *names[3:],
            "uploaded-mine.sql.gz",
            "restore-point-albumen-db-backup-20260101T020000-v0.1.0-pg18.sql.gz",
        ]
    )


async def test_the_backup_job_prunes_to_keep_last_amount(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    config = await client.get("/api/admin/config", headers=admin.headers)
    body = config.json()
    body["backup"]["database"]["keepLastAmount"] = 1
    assert (await client.put("/api/admin/config", json=body, headers=admin.headers)).status_code == 200
    old = backups_dir(settings) / "albumen-db-backup-20200101T020000-v0.0.1-pg18.sql.gz"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"old")
    name = await backup_via_job(client, admin, database, settings)
    assert [path.name for path in backups_dir(settings).iterdir()] == [name]


async def test_the_nightly_backup_runs_on_its_cron(database: Database, settings: Settings) -> None:
    async with database.session() as session:
        config = await system_config.get_config(session, settings)
    config = config.model_copy(deep=True)
    config.backup.database.cronExpression = "* * * * *"  # every minute
    schedule = Schedule(database, backup_schedule(lambda: config), misfire_grace=timedelta(seconds=10))
    tick = datetime.now(schedule.timezone).replace(second=0, microsecond=0) + timedelta(minutes=1)

    assert await schedule.check(now=tick - timedelta(seconds=1)) == []
    assert await schedule.check(now=tick + timedelta(seconds=2)) == ["database-backup"]
    assert await schedule.check(now=tick + timedelta(seconds=30)) == [], "one run per tick"
    await run_jobs(database, settings)
    assert [path.name for path in backups_dir(settings).iterdir() if ROUTINE.fullmatch(path.name)]

    config.backup.database.enabled = False
    assert await schedule.check(now=tick + timedelta(minutes=1, seconds=2)) == []


def token_cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"{maintenance.COOKIE}={token}"}


async def wait_for_restore(client: httpx.AsyncClient, token: str) -> dict[str, object]:
    for _ in range(300):
        status = (await client.get("/api/admin/maintenance/status", headers=token_cookie(token))).json()
        if not status["active"] or status.get("task") == "error":
            return dict(status)
        await asyncio.sleep(0.1)
    raise TimeoutError(status)


async def test_restore_inside_maintenance_mode(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    kept = await create_user(client, admin, "kept@albumen.test")
    name = await backup_via_job(client, admin, database, settings)
    later = await create_user(client, admin, "later@albumen.test")

    response = await client.post(
        "/api/admin/maintenance",
        json={"action": "restore_database", "restoreBackupFilename": name},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    token = response.cookies[maintenance.COOKIE]
    client.cookies.clear()
    assert await wait_for_restore(client, token) == {"active": False, "action": "end"}
    await maintenance.wait_for_restore(database)

    assert (await client.get("/api/server/config")).json()["maintenanceMode"] is False
    assert (await client.get("/api/users/me", headers=kept.headers)).status_code == 200
    assert (await client.get("/api/users/me", headers=later.headers)).status_code == 401
    async with database.session() as session:
        emails = (await session.execute(text('SELECT email FROM "user" ORDER BY email'))).scalars().all()
    assert emails == ["admin@albumen.test", "kept@albumen.test"]
    restore_points = [path.name for path in backups_dir(settings).glob("restore-point-*")]
    assert len(restore_points) == 1, "the database as it was before the restore is kept"


async def test_a_dump_from_a_newer_schema_is_refused_before_anything_changes(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    directory = backups_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    future = "COPY public.alembic_version (version_num) FROM stdin;\n9999\n\\.\n"
    (directory / "future.sql.gz").write_bytes(gzip.compress(future.encode()))
    (directory / "immich.sql.gz").write_bytes(gzip.compress(b"CREATE TABLE asset ();\n"))

    response = await client.post(
        "/api/admin/maintenance",
        json={"action": "restore_database", "restoreBackupFilename": "future.sql.gz"},
        headers=admin.headers,
    )
    assert response.status_code == 400
    assert "newer Albumen" in response.json()["message"]
    foreign = await client.post(
        "/api/admin/maintenance",
        json={"action": "restore_database", "restoreBackupFilename": "immich.sql.gz"},
        headers=admin.headers,
    )
    assert (foreign.status_code, "not a dump of an Albumen database" in foreign.json()["message"]) == (
        400,
        True,
    )
    assert (await client.get("/api/server/config")).json()["maintenanceMode"] is False


async def test_start_restore_is_only_for_a_fresh_install(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/admin/database-backups/start-restore")
    assert response.status_code == 201
    token = response.cookies[maintenance.COOKIE]
    client.cookies.clear()
    status = await client.get("/api/admin/maintenance/status", headers=token_cookie(token))
    assert status.json() == {"active": True, "action": "select_database_restore"}
    listed = await client.get("/api/admin/database-backups", headers=token_cookie(token))
    assert listed.status_code == 200
    await client.post("/api/admin/maintenance", json={"action": "end"}, headers=token_cookie(token))

    await sign_up_admin(client)
    again = await client.post("/api/admin/database-backups/start-restore")
    assert (again.status_code, again.json()) == (400, {"message": "The server already has an admin"})
