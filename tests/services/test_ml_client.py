"""How the server reads the ML service's answers: a service that lacks a model is not a broken service."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import AssetJobStatus, Job
from albumen.jobs import JobName
from albumen.services.ml_client import (
    MachineLearningClient,
    MachineLearningModelUnavailable,
    probe_image,
    reset_health,
)
from tests.helpers import run_jobs, sign_up_admin
from tests.ml_service import ml_url, use_ml
from tests.services.pipeline.support import ASSETS, upload

__all__ = ["ml_url"]

PORTRAIT = ASSETS / "metadata/faces/portrait.jpg"
#: Immich's default CLIP model, which no test machine has (and none can download).
CLIP = "ViT-B-32__openai"


async def test_a_clip_model_no_service_has_skips_smart_search_quietly_while_faces_go_on(
    client: httpx.AsyncClient, database: Database, settings: Settings, ml_url: str
) -> None:
    admin = await sign_up_admin(client)
    await use_ml(client, admin, ml_url, clip={"enabled": True, "modelName": CLIP})
    asset_id = await upload(client, admin, PORTRAIT)
    await run_jobs(database, settings, timeout=180)

    faces = (await client.get("/api/faces", params={"id": asset_id}, headers=admin.headers)).json()
    assert len(faces) == 2
    async with database.session() as db:
        jobs = (await db.execute(select(Job).where(Job.name == JobName.SMART_SEARCH))).scalars().all()
        status = await db.get(AssetJobStatus, uuid.UUID(asset_id))
    # Ran once and ended: not waiting for a retry, not failed, nothing recorded against the asset.
    assert [(job.status, job.attempts) for job in jobs] == [("completed", 1)]
    assert status is not None and status.smart_search_at is None
    assert (status.failed_step, status.failure_reason) == (None, None)

    features = (await client.get("/api/server/features")).json()
    assert (features["smartSearch"], features["facialRecognition"], features["ocr"]) == (False, True, True)
    search = await client.post("/api/search/smart", json={"query": "two people"}, headers=admin.headers)
    assert search.status_code == 400
    assert CLIP in search.json()["message"]


async def test_the_missing_model_is_asked_for_again_after_the_recheck_interval(ml_url: str) -> None:
    reset_health()
    client = MachineLearningClient([ml_url], recheck_interval=0.0)
    entries = {"clip": {"visual": {"modelName": CLIP}}}
    for _ in range(2):  # no short cut while the interval is 0: each call asks the service again
        try:
            await client.predict(entries, image=probe_image())
        except MachineLearningModelUnavailable as error:
            assert CLIP in str(error)
        else:
            raise AssertionError("the service has no CLIP model")
    assert await client.model_available("clip", "visual", CLIP) is False
    assert await client.model_available("facial-recognition", "detection", "buffalo_l") is True
