"""Faces, people and text through the real pipeline: upload, thumbnails, a real ``albumen ml`` service."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select, update

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import FaceSearch, Job
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, run_jobs, sign_up_admin
from tests.ml_service import DEAD_URL, ml_url, use_ml
from tests.services.pipeline.support import ASSETS, upload

__all__ = ["ml_url"]

PORTRAIT = ASSETS / "metadata/faces/portrait.jpg"
PORTRAIT_ROTATED = ASSETS / "metadata/faces/portrait-orientation-6.jpg"
NATURE = [
    ASSETS / "albums/nature" / name for name in ("silver_fir.jpg", "prairie_falcon.jpg", "tanners_ridge.jpg")
]
#: Where the two people are in the upright 840x700 picture (the ML service's own tests agree).
EXPECTED_BOXES = [(272, 163, 355, 280), (529, 102, 621, 245)]


async def faces_of(client: httpx.AsyncClient, user: LoggedIn, asset_id: str) -> list[dict[str, Any]]:
    response = await client.get("/api/faces", params={"id": asset_id}, headers=user.headers)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    assert_shape(body, "AssetFaceResponseDto[]")
    return sorted(body, key=lambda face: face["boundingBoxX1"])


def close(box: tuple[int, int, int, int], expected: tuple[int, int, int, int], slack: int = 6) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(box, expected, strict=True))


async def test_both_portraits_give_two_faces_upright_that_cluster_into_two_people(
    client: httpx.AsyncClient, database: Database, settings: Settings, ml_url: str
) -> None:
    admin = await sign_up_admin(client)
    await use_ml(client, admin, ml_url, min_faces=2)
    ids = [await upload(client, admin, path) for path in (PORTRAIT, PORTRAIT_ROTATED)]
    await run_jobs(database, settings, timeout=180)

    person_of_box: dict[int, set[str]] = {0: set(), 1: set()}
    for asset_id in ids:
        faces = await faces_of(client, admin, asset_id)
        assert len(faces) == 2
        for index, face in enumerate(faces):
            box = (face["boundingBoxX1"], face["boundingBoxY1"], face["boundingBoxX2"], face["boundingBoxY2"])
            assert close(box, EXPECTED_BOXES[index]), box
            assert (face["imageWidth"], face["imageHeight"]) == (840, 700)
            assert face["sourceType"] == "machine-learning"
            assert face["person"] is not None
            person_of_box[index].add(face["person"]["id"])
    assert [len(found) for found in person_of_box.values()] == [1, 1]
    assert person_of_box[0] != person_of_box[1]

    people = (await client.get("/api/people", headers=admin.headers)).json()
    assert_shape(people, "PeopleResponseDto")
    assert (people["total"], people["hidden"], len(people["people"])) == (2, 0, 2)
    for person in people["people"]:
        stats = (await client.get(f"/api/people/{person['id']}/statistics", headers=admin.headers)).json()
        assert stats == {"assets": 2}
        thumbnail = await client.get(f"/api/people/{person['id']}/thumbnail", headers=admin.headers)
        assert thumbnail.status_code == 200
        assert thumbnail.headers["content-type"] == "image/jpeg"
        assert person["thumbnailPath"].startswith(f"thumbs/{admin.user_id}/")
    async with database.session() as db:
        dims = set((await db.execute(select(FaceSearch.dim))).scalars())
    assert dims == {128}


async def test_faces_below_min_faces_stay_unassigned_until_there_are_enough(
    client: httpx.AsyncClient, database: Database, settings: Settings, ml_url: str
) -> None:
    admin = await sign_up_admin(client)
    await use_ml(client, admin, ml_url, min_faces=3)
    portrait = await upload(client, admin, PORTRAIT)
    await upload(client, admin, PORTRAIT_ROTATED)
    await run_jobs(database, settings, timeout=180)
    assert all(face["person"] is None for face in await faces_of(client, admin, portrait))
    assert (await client.get("/api/people", headers=admin.headers)).json()["total"] == 0

    await use_ml(client, admin, ml_url, min_faces=2)
    response = await client.put(
        "/api/jobs/facialRecognition", json={"command": "start", "force": False}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    await run_jobs(database, settings, timeout=180)
    assert all(face["person"] is not None for face in await faces_of(client, admin, portrait))
    assert (await client.get("/api/people", headers=admin.headers)).json()["total"] == 2


async def test_no_face_on_nature_photos(
    client: httpx.AsyncClient, database: Database, settings: Settings, ml_url: str
) -> None:
    admin = await sign_up_admin(client)
    await use_ml(client, admin, ml_url)
    ids = [await upload(client, admin, path) for path in NATURE]
    await run_jobs(database, settings, timeout=180)
    for asset_id in ids:
        assert await faces_of(client, admin, asset_id) == []
    assert (await client.get("/api/people", headers=admin.headers)).json()["total"] == 0


async def test_without_a_reachable_service_jobs_wait_and_features_say_so(
    client: httpx.AsyncClient, database: Database, settings: Settings, ml_url: str
) -> None:
    admin = await sign_up_admin(client)
    await use_ml(client, admin, DEAD_URL)
    features = (await client.get("/api/server/features")).json()
    assert (features["facialRecognition"], features["ocr"], features["smartSearch"]) == (False, False, False)
    asset_id = await upload(client, admin, PORTRAIT)
    await run_jobs(database, settings, timeout=120)
    async with database.session() as db:
        rows = (
            (await db.execute(select(Job).where(Job.name.in_(("AssetDetectFaces", "Ocr"))))).scalars().all()
        )
    assert sorted(job.name for job in rows) == ["AssetDetectFaces", "Ocr"]
    assert all(job.status == "waiting" and job.attempts == 0 for job in rows), [
        (j.status, j.attempts) for j in rows
    ]
    assert all((job.error or "").startswith("RetryLater:") for job in rows)
    queues = (await client.get("/api/jobs", headers=admin.headers)).json()
    assert queues["faceDetection"]["jobCounts"]["delayed"] == 1
    assert queues["faceDetection"]["jobCounts"]["failed"] == 0

    # The service comes back: the waiting jobs run (made due now rather than in 30 s).
    await use_ml(client, admin, ml_url)
    async with database.session() as db, db.begin():
        await db.execute(update(Job).where(Job.status == "waiting").values(run_at=func.now()))
    await run_jobs(database, settings, timeout=180)
    assert len(await faces_of(client, admin, asset_id)) == 2
    features = (await client.get("/api/server/features")).json()
    assert (features["facialRecognition"], features["ocr"]) == (True, True)
