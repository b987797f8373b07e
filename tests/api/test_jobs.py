"""``/api/jobs`` (Immich's legacy queue API) and ``POST /api/assets/jobs``."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select, update

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import AssetJobStatus, Job
from albumen.jobs import JobName, QueueName, enqueue
from tests.dto_shapes import assert_shape
from tests.helpers import create_user, run_jobs, sign_up_admin, upload_asset
from tests.services.pipeline.support import ASSETS, jobs_named, upload, upload_and_process

NO_JOBS = {"active": 0, "completed": 0, "delayed": 0, "failed": 0, "paused": 0, "waiting": 0}


async def _insert_job(database: Database, name: JobName, status: str) -> None:
    async with database.session() as db, db.begin():
        await enqueue(db, name, {"id": str(uuid.uuid4())})
        await db.execute(update(Job).where(Job.name == name.value).values(status=status))


async def test_every_queue_is_listed_with_its_counts(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.get("/api/jobs", headers=admin.headers)
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "QueuesResponseLegacyDto")
    assert set(body) == {queue.value for queue in QueueName}
    assert body["thumbnailGeneration"] == {
        "jobCounts": NO_JOBS,
        "queueStatus": {"isActive": False, "isPaused": False},
    }
    await upload_asset(client, admin, ASSETS / "albums/nature/silver_fir.jpg")
    body = (await client.get("/api/jobs", headers=admin.headers)).json()
    assert body["metadataExtraction"]["jobCounts"] == {**NO_JOBS, "waiting": 1}


async def test_the_job_api_is_for_admins(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    assert (await client.get("/api/jobs")).status_code == 401
    for method, url, body in (
        ("GET", "/api/jobs", None),
        ("PUT", "/api/jobs/thumbnailGeneration", {"command": "pause"}),
        ("POST", "/api/jobs", {"name": "tag-cleanup"}),
    ):
        response = await client.request(method, url, json=body, headers=user.headers)
        assert response.status_code == 403, url


async def test_start_queues_the_queue_all_job_which_queues_what_is_missing(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    names = ["albums/nature/silver_fir.jpg", "albums/text/craft-beer.jpg"]
    missing, done = await upload_and_process(client, database, settings, admin, [ASSETS / n for n in names])
    async with database.session() as db, db.begin():
        await db.execute(
            update(AssetJobStatus)
            .where(AssetJobStatus.asset_id == uuid.UUID(missing))
            .values(thumbnail_generated_at=None)
        )
    before = len(await jobs_named(database, "AssetGenerateThumbnails"))

    response = await client.put(
        "/api/jobs/thumbnailGeneration", json={"command": "start"}, headers=admin.headers
    )
    assert response.status_code == 200
    assert_shape(response.json(), "QueueResponseLegacyDto")
    assert response.json()["jobCounts"]["waiting"] == 1
    await run_jobs(database, settings)
    queued = [job.data["id"] for job in await jobs_named(database, "AssetGenerateThumbnails")][before:]
    assert queued == [missing]

    response = await client.put(
        "/api/jobs/thumbnailGeneration", json={"command": "start", "force": True}, headers=admin.headers
    )
    assert response.status_code == 200
    await run_jobs(database, settings)
    queued = [job.data["id"] for job in await jobs_named(database, "AssetGenerateThumbnails")][before + 1 :]
    assert sorted(queued) == sorted([missing, done])


async def test_start_is_refused_for_a_queue_without_one_or_one_already_running(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    response = await client.put("/api/jobs/notifications", json={"command": "start"}, headers=admin.headers)
    assert (response.status_code, response.json()["message"]) == (400, "Invalid job name: notifications")
    await _insert_job(database, JobName.ASSET_EXTRACT_METADATA, "active")
    response = await client.put(
        "/api/jobs/metadataExtraction", json={"command": "start"}, headers=admin.headers
    )
    assert (response.status_code, response.json()["message"]) == (400, "Job is already running")
    response = await client.put("/api/jobs/nope", json={"command": "start"}, headers=admin.headers)
    assert response.status_code == 400
    response = await client.put("/api/jobs/library", json={"command": "explode"}, headers=admin.headers)
    assert response.status_code == 400


async def test_pause_resume_empty_and_clear_failed(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    for name in ("albums/nature/silver_fir.jpg", "albums/text/craft-beer.jpg"):
        await upload_asset(client, admin, ASSETS / name)
    await _insert_job(database, JobName.ASSET_EXTRACT_METADATA_QUEUE_ALL, "failed")

    async def command(name: str) -> dict[str, object]:
        response = await client.put(
            "/api/jobs/metadataExtraction", json={"command": name}, headers=admin.headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        assert_shape(body, "QueueResponseLegacyDto")
        return body

    paused = await command("pause")
    assert paused["queueStatus"] == {"isActive": False, "isPaused": True}
    assert paused["jobCounts"] == {**NO_JOBS, "paused": 2, "failed": 1}
    resumed = await command("resume")
    assert resumed["jobCounts"] == {**NO_JOBS, "waiting": 2, "failed": 1}
    assert (await command("clear-failed"))["jobCounts"] == {**NO_JOBS, "waiting": 2}
    assert (await command("empty"))["jobCounts"] == NO_JOBS


@pytest.mark.parametrize(
    ("manual", "job"),
    [
        ("tag-cleanup", "TagCleanup"),
        ("person-cleanup", "PersonCleanup"),
        ("user-cleanup", "UserDeleteCheck"),
        ("memory-cleanup", "MemoryCleanup"),
        ("memory-create", "MemoryGenerate"),
        ("backup-database", "DatabaseBackup"),
    ],
)
async def test_a_manual_job_is_queued(
    client: httpx.AsyncClient, database: Database, manual: str, job: str
) -> None:
    admin = await sign_up_admin(client)
    response = await client.post("/api/jobs", json={"name": manual}, headers=admin.headers)
    assert response.status_code == 204, response.text
    assert [queued.status for queued in await jobs_named(database, job)] == ["waiting"]


async def test_an_unknown_manual_job_is_a_validation_error(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.post("/api/jobs", json={"name": "reticulate-splines"}, headers=admin.headers)
    assert (response.status_code, response.json()["message"]) == (400, "Validation failed")


async def test_asset_jobs_run_for_the_callers_own_assets_only(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    mine = await upload(client, user, ASSETS / "albums/nature/silver_fir.jpg")
    theirs = await upload(client, admin, ASSETS / "albums/text/craft-beer.jpg")

    response = await client.post(
        "/api/assets/jobs",
        json={"assetIds": [mine, theirs], "name": "regenerate-thumbnail"},
        headers=user.headers,
    )
    assert (response.status_code, response.json()["message"]) == (400, "Not found or no asset.update access")
    assert await jobs_named(database, "AssetGenerateThumbnails") == []

    for name, job in (
        ("regenerate-thumbnail", "AssetGenerateThumbnails"),
        ("transcode-video", "AssetEncodeVideo"),
        ("refresh-faces", "AssetDetectFaces"),
    ):
        response = await client.post(
            "/api/assets/jobs", json={"assetIds": [mine], "name": name}, headers=user.headers
        )
        assert response.status_code == 204, response.text
        assert [queued.data for queued in await jobs_named(database, job)] == [{"id": mine}]
    response = await client.post(
        "/api/assets/jobs", json={"assetIds": [mine], "name": "nope"}, headers=user.headers
    )
    assert response.status_code == 400
    async with database.session() as db:
        metadata_jobs = (
            await db.execute(select(Job.data).where(Job.name == "AssetExtractMetadata"))
        ).scalars()
        assert {data["id"] for data in metadata_jobs} == {mine, theirs}
