"""Backup → wipe → restore on a real ``albumen serve`` data directory, compared table by table, and
every original still matching its checksum."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from albumen.db.embedded import EmbeddedPostgres
from albumen.db.engine import Database
from albumen.metrics.refresh import BACKUP_STATUS_KEY
from tests.conftest import TESTDATA, LiveServer
from tests.helpers import UPLOAD_DATES, create_api_key, create_user, login, sign_up_admin

pytestmark = pytest.mark.slow

PHOTOS = (
    TESTDATA / "immich-test-assets" / "formats" / "jpg" / "el_torcal_rocks.jpg",
    TESTDATA / "immich-test-assets" / "metadata" / "gps-position" / "thompson-springs.jpg",
    TESTDATA / "immich-test-assets" / "metadata" / "rating" / "mongolels.jpg",
    TESTDATA / "videos" / "vp9.webm",
)
BACKUP_STATUS_ROW = f"({BACKUP_STATUS_KEY},"
PIPELINE_QUEUES = ("metadataExtraction", "storageTemplateMigration", "thumbnailGeneration", "videoConversion")


def albumen(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DB_")}
    return subprocess.run(
        [sys.executable, "-m", "albumen.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


async def upload(client: httpx.AsyncClient, headers: dict[str, str], path: Path) -> str:
    files = {"assetData": (path.name, path.read_bytes(), "application/octet-stream")}
    response = await client.post("/api/assets", data=UPLOAD_DATES, files=files, headers=headers)
    assert response.status_code == 201, response.text
    asset_id: str = response.json()["id"]
    return asset_id


async def snapshot(database: Database) -> dict[str, list[str]]:
    """Every row of every table, as PostgreSQL prints it, sorted (but the backup's own success record,
    written once the dump is complete, so never inside it)."""
    async with database.session() as session:
        tables = (
            (
                await session.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
                )
            )
            .scalars()
            .all()
        )
        rows = {}
        for table in tables:
            result = await session.execute(text(f'SELECT t::text FROM public."{table}" t'))
            rows[table] = sorted(
                row for row in result.scalars().all() if not row.startswith(BACKUP_STATUS_ROW)
            )
    return rows


async def wait_until_processed(database: Database) -> None:
    busy = text(
        "SELECT count(*) FROM job WHERE status = 'active' OR (status = 'waiting' AND queue = ANY(:queues))"
    )
    async with asyncio.timeout(180):
        while True:
            async with database.session() as session:
                if (await session.execute(busy, {"queues": list(PIPELINE_QUEUES)})).scalar_one() == 0:
                    return
            await asyncio.sleep(0.5)


async def fill_library(server: LiveServer, database: Database) -> tuple[str, str]:
    """Users, API keys, assets (real files through the API), an album, a person with a face."""
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        admin = await sign_up_admin(client)
        user = await create_user(client, admin, "user@albumen.test")
        api_key = await create_api_key(client, user, name="phone")
        asset_ids = [await upload(client, admin.headers, photo) for photo in PHOTOS]
        asset_ids.append(await upload(client, {"x-api-key": api_key}, PHOTOS[0]))
        album = await client.post(
            "/api/albums", json={"albumName": "Holidays", "assetIds": asset_ids[:2]}, headers=admin.headers
        )
        assert album.status_code == 201, album.text
    async with database.session() as session, session.begin():
        person = await session.execute(
            text("INSERT INTO person (owner_id, name) VALUES (:owner, 'Ada') RETURNING id"),
            {"owner": admin.user_id},
        )
        face = await session.execute(
            text(
                "INSERT INTO asset_face (asset_id, person_id, image_width, image_height, bounding_box_x2, "
                "bounding_box_y2) VALUES (:asset, :person, 640, 480, 100, 120) RETURNING id"
            ),
            {"asset": asset_ids[0], "person": person.scalar_one()},
        )
        await session.execute(
            text("INSERT INTO face_search (face_id, dim, embedding) VALUES (:face, 3, '[0.25,0.5,0.75]')"),
            {"face": face.scalar_one()},
        )
    return api_key, user.email


def cluster(server: LiveServer) -> EmbeddedPostgres:
    return EmbeddedPostgres(server.data_dir / "postgres")


async def test_backup_wipe_restore_brings_everything_back(live_server: LiveServer) -> None:
    live_server.start()
    postgres = cluster(live_server)
    database = Database.connect(postgres.url("albumen"), pool_size=2)
    api_key, user_email = await fill_library(live_server, database)
    await wait_until_processed(database)
    await database.dispose()
    live_server.stop()

    # The server is down: `albumen backup` starts the embedded cluster itself.
    made = await asyncio.to_thread(albumen, "backup", "--data-dir", str(live_server.data_dir))
    assert made.returncode == 0, made.stderr
    dumps = list((live_server.data_dir / "media" / "backups").glob("albumen-db-backup-*.sql.gz"))
    assert len(dumps) == 1

    postgres.start()
    database = Database.connect(postgres.url("albumen"), pool_size=2)
    before = await snapshot(database)
    await database.dispose()
    assert len(before["asset"]) == len(PHOTOS) + 1 and len(before["user"]) == 2
    assert before["asset_file"], "thumbnails were generated before the backup"
    wipe = [str(postgres.binary("psql")), "-h", str(postgres.socket_dir), "-U", "postgres", "-d", "postgres"]
    await asyncio.to_thread(subprocess.run, [*wipe, "-qc", "DROP DATABASE albumen WITH (FORCE)"], check=True)
    postgres.stop()

    restored = await asyncio.to_thread(
        albumen, "restore", str(dumps[0]), "--data-dir", str(live_server.data_dir), "--yes"
    )
    assert restored.returncode == 0, restored.stderr

    postgres.start()
    database = Database.connect(postgres.url("albumen"), pool_size=2)
    after = await snapshot(database)
    async with database.session() as session:
        originals = (await session.execute(text("SELECT original_path, checksum FROM asset"))).all()
    await database.dispose()
    postgres.stop()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], f"table {table} differs after the restore"
    media = live_server.data_dir / "media"
    for path, checksum in originals:
        assert hashlib.sha1((media / path).read_bytes()).digest() == bytes(checksum), path

    live_server.start()
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as client:
        await login(client, user_email, "user-password")
        mine = await client.get("/api/users/me", headers={"x-api-key": api_key})
        assert (mine.status_code, mine.json()["email"]) == (200, user_email)
