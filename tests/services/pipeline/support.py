"""Steps the pipeline tests share: upload through the API, process with a real worker, read results."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import Asset, AssetFile, AssetJobStatus, Job
from tests.conftest import TESTDATA
from tests.helpers import LoggedIn, run_jobs, upload_asset

ASSETS = TESTDATA / "immich-test-assets"
VIDEOS = TESTDATA / "videos"


async def upload(client: httpx.AsyncClient, user: LoggedIn, path: Path, **fields: Any) -> str:
    response = await upload_asset(client, user, path, **fields)
    assert response.status_code == 201, response.text
    asset_id: str = response.json()["id"]
    return asset_id


async def upload_and_process(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    user: LoggedIn,
    paths: list[Path],
) -> list[str]:
    ids = [await upload(client, user, path) for path in paths]
    await run_jobs(database, settings)
    return ids


async def asset_info(client: httpx.AsyncClient, user: LoggedIn, asset_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/assets/{asset_id}", headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def asset_row(database: Database, asset_id: str | uuid.UUID) -> Asset:
    async with database.session() as db:
        asset = await db.get(Asset, uuid.UUID(str(asset_id)))
    assert asset is not None
    return asset


async def derived_files(database: Database, asset_id: str | uuid.UUID) -> dict[str, str]:
    """type -> storage key of the asset's ``asset_file`` rows."""
    async with database.session() as db:
        rows = await db.execute(
            select(AssetFile.type, AssetFile.path).where(AssetFile.asset_id == uuid.UUID(str(asset_id)))
        )
        return {row.type: row.path for row in rows}


async def job_status(database: Database, asset_id: str | uuid.UUID) -> AssetJobStatus:
    async with database.session() as db:
        status = await db.get(AssetJobStatus, uuid.UUID(str(asset_id)))
    assert status is not None
    return status


async def jobs_named(database: Database, name: str) -> list[Job]:
    async with database.session() as db:
        return list((await db.execute(select(Job).where(Job.name == name).order_by(Job.id))).scalars())


def media_file(settings: Settings, key: str) -> Path:
    return settings.media_root / key
