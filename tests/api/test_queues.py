"""``/api/queues*``: queue state, pausing (which every worker obeys), job listings, emptying."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from sqlalchemy import update

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import Job
from albumen.jobs import JobName, QueueName, enqueue
from albumen.worker import run_workers
from tests.dto_shapes import assert_shape
from tests.helpers import create_user, run_jobs, sign_up_admin
from tests.services.pipeline.support import ASSETS, job_status, upload


async def test_queues_are_listed_and_read_one_by_one(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.get("/api/queues", headers=admin.headers)
    assert response.status_code == 200
    assert_shape(response.json(), "QueueResponseDto[]")
    assert [queue["name"] for queue in response.json()] == [queue.value for queue in QueueName]

    await upload(client, admin, ASSETS / "albums/nature/silver_fir.jpg")
    response = await client.get("/api/queues/metadataExtraction", headers=admin.headers)
    assert_shape(response.json(), "QueueResponseDto")
    assert response.json() == {
        "name": "metadataExtraction",
        "isPaused": False,
        "statistics": {"active": 0, "completed": 0, "delayed": 0, "failed": 0, "paused": 0, "waiting": 1},
    }
    assert (await client.get("/api/queues/nope", headers=admin.headers)).status_code == 400
    user = await create_user(client, admin, "user@albumen.test")
    assert (await client.get("/api/queues", headers=user.headers)).status_code == 403


async def _work_for(database: Database, settings: Settings, seconds: float) -> None:
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_workers(database, settings, stop, with_schedule=False, poll_interval=0.1)
    )
    await asyncio.sleep(seconds)
    stop.set()
    await worker


async def test_a_paused_queue_is_not_processed_until_resumed(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    response = await client.put(
        "/api/queues/metadataExtraction", json={"isPaused": True}, headers=admin.headers
    )
    assert response.status_code == 200
    assert_shape(response.json(), "QueueResponseDto")
    assert response.json()["isPaused"] is True
    asset_id = await upload(client, admin, ASSETS / "albums/nature/silver_fir.jpg")

    await _work_for(database, settings, 3)
    assert (await job_status(database, asset_id)).metadata_extracted_at is None
    statistics = (await client.get("/api/queues/metadataExtraction", headers=admin.headers)).json()[
        "statistics"
    ]
    assert (statistics["paused"], statistics["waiting"]) == (1, 0)

    response = await client.put(
        "/api/queues/metadataExtraction", json={"isPaused": False}, headers=admin.headers
    )
    assert response.json()["isPaused"] is False
    await run_jobs(database, settings)
    status = await job_status(database, asset_id)
    assert status.metadata_extracted_at is not None and status.thumbnail_generated_at is not None


async def test_jobs_of_a_queue_are_listed_by_status(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin, ASSETS / "albums/nature/silver_fir.jpg")
    async with database.session() as db, db.begin():
        await enqueue(db, JobName.ASSET_EXTRACT_METADATA, {"id": str(uuid.uuid4())})
        await db.execute(update(Job).where(Job.data["id"].astext != asset_id).values(status="failed"))

    response = await client.get("/api/queues/metadataExtraction/jobs?status=waiting", headers=admin.headers)
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "QueueJobResponseDto[]")
    assert [(job["name"], job["data"]) for job in body] == [
        ("AssetExtractMetadata", {"id": asset_id, "source": "upload"})
    ]
    assert isinstance(body[0]["timestamp"], int) and body[0]["id"]
    every = await client.get(
        "/api/queues/metadataExtraction/jobs", params=[("status", "waiting"), ("status", "failed")],
        headers=admin.headers,
    )  # fmt: skip
    assert len(every.json()) == 2
    assert len((await client.get("/api/queues/metadataExtraction/jobs", headers=admin.headers)).json()) == 2
    assert (await client.get("/api/queues/thumbnailGeneration/jobs", headers=admin.headers)).json() == []
    bad = await client.get("/api/queues/metadataExtraction/jobs?status=sleeping", headers=admin.headers)
    assert bad.status_code == 400


async def test_emptying_a_queue_drops_waiting_jobs_and_failed_ones_when_asked(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    await upload(client, admin, ASSETS / "albums/nature/silver_fir.jpg")
    async with database.session() as db, db.begin():
        await enqueue(db, JobName.ASSET_EXTRACT_METADATA_QUEUE_ALL, {})
        await db.execute(
            update(Job).where(Job.name == "AssetExtractMetadataQueueAll").values(status="failed")
        )

    async def statistics() -> dict[str, int]:
        response = await client.get("/api/queues/metadataExtraction", headers=admin.headers)
        result: dict[str, int] = response.json()["statistics"]
        return result

    response = await client.request("DELETE", "/api/queues/metadataExtraction/jobs", headers=admin.headers)
    assert response.status_code == 204
    assert ((await statistics())["waiting"], (await statistics())["failed"]) == (0, 1)
    response = await client.request(
        "DELETE", "/api/queues/metadataExtraction/jobs", json={"failed": True}, headers=admin.headers
    )
    assert response.status_code == 204
    assert (await statistics())["failed"] == 0
