"""``POST /api/search/smart`` against a real ``albumen ml`` process serving the tiny CLIP test model."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import orjson
import pytest
from sqlalchemy import select

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import AssetFile, SmartSearch
from tests.conftest import TESTDATA, free_port
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, run_jobs, sign_up_admin, upload_asset
from tests.ml import contract
from tests.ml.tiny_models import CLIP_NAME, EMBED_DIM, build_tiny_clip

NATURE = TESTDATA / "immich-test-assets" / "albums" / "nature"
PHOTOS = [
    NATURE / name
    for name in ("prairie_falcon.jpg", "silver_fir.jpg", "el_torcal_rocks.jpg", "wood_anemones.jpg")
]
QUERY = "a dog on the beach"


@pytest.fixture(scope="module")
def ml_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``albumen ml`` in its own process, its model cache holding only the tiny CLIP model."""
    cache = tmp_path_factory.mktemp("ml-cache")
    build_tiny_clip(cache)
    port = free_port()
    env = {
        **os.environ,
        "MACHINE_LEARNING_CACHE_FOLDER": str(cache),
        "MACHINE_LEARNING_MODEL_TTL": "0",
        "MACHINE_LEARNING_REQUEST_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
        "IMMICH_LOG_LEVEL": "error",
    }
    command = [sys.executable, "-m", "albumen.cli", "ml", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/ping", timeout=1).text == "pong":
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("albumen ml did not start")
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def settings(tmp_path: Path, ml_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", db_url=None, machine_learning_url=ml_url)


async def clip_only(client: httpx.AsyncClient, admin: LoggedIn) -> None:
    """Faces and OCR off: their models are not in this test's model cache."""
    config = (await client.get("/api/system-config", headers=admin.headers)).json()
    config["machineLearning"]["facialRecognition"]["enabled"] = False
    config["machineLearning"]["ocr"]["enabled"] = False
    response = await client.put("/api/system-config", json=config, headers=admin.headers)
    assert response.status_code == 200, response.text


async def upload_all(
    client: httpx.AsyncClient, database: Database, settings: Settings, user: LoggedIn, paths: list[Path]
) -> list[str]:
    ids = []
    for path in paths:
        response = await upload_asset(client, user, path)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    await run_jobs(database, settings)
    return ids


async def stored_embeddings(database: Database) -> dict[str, np.ndarray]:
    async with database.session() as db:
        rows = (await db.execute(select(SmartSearch.asset_id, SmartSearch.dim, SmartSearch.embedding))).all()
    assert all(dim == EMBED_DIM for _, dim, _ in rows)
    return {str(asset_id): np.asarray(embedding, np.float64) for asset_id, _, embedding in rows}


def by_cosine(embeddings: dict[str, np.ndarray], query: np.ndarray) -> list[str]:
    def distance(vector: np.ndarray) -> float:
        return float(1 - vector @ query / (np.linalg.norm(vector) * np.linalg.norm(query)))

    return sorted(embeddings, key=lambda asset_id: distance(embeddings[asset_id]))


async def smart(client: httpx.AsyncClient, user: LoggedIn, **body: Any) -> httpx.Response:
    return await client.post("/api/search/smart", json=body, headers=user.headers)


async def found(client: httpx.AsyncClient, user: LoggedIn, **body: Any) -> tuple[list[str], str | None]:
    response = await smart(client, user, **body)
    assert response.status_code == 200, response.text
    assert_shape(response.json(), "SearchResponseDto")
    assets = response.json()["assets"]
    return [item["id"] for item in assets["items"]], assets["nextPage"]


async def text_embedding(ml_url: str, text: str) -> np.ndarray:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{ml_url}/predict", data={**contract.entries(contract.CLIP_TEXTUAL), "text": text}
        )
    assert response.status_code == 200, response.text
    return np.asarray(contract.check_clip_text(response.json()), np.float64)


async def test_results_follow_the_cosine_similarity_of_the_stored_embeddings(
    client: httpx.AsyncClient, database: Database, settings: Settings, ml_url: str
) -> None:
    admin = await sign_up_admin(client)
    await clip_only(client, admin)
    ids = await upload_all(client, database, settings, admin, PHOTOS)
    embeddings = await stored_embeddings(database)
    assert set(embeddings) == set(ids)

    by_text, next_page = await found(client, admin, query=QUERY, language="en")
    assert by_text == by_cosine(embeddings, await text_embedding(ml_url, QUERY))
    assert next_page is None

    by_asset, _ = await found(client, admin, queryAssetId=ids[2])
    assert by_asset == by_cosine(embeddings, embeddings[ids[2]])
    assert by_asset[0] == ids[2]

    # Pages of two, numbered as Immich numbers them, in the same order.
    first, second_page = await found(client, admin, queryAssetId=ids[2], size=2)
    second, last_page = await found(client, admin, queryAssetId=ids[2], size=2, page=2)
    assert (first + second, second_page, last_page) == (by_asset, "2", None)

    # Immich's filters narrow the ranking without reordering it.
    favourite = await client.put(f"/api/assets/{ids[1]}", json={"isFavorite": True}, headers=admin.headers)
    assert favourite.status_code == 200
    assert (await found(client, admin, queryAssetId=ids[2], isFavorite=True))[0] == [ids[1]]
    album = await client.post(
        "/api/albums", json={"albumName": "Some", "assetIds": [ids[0], ids[3]]}, headers=admin.headers
    )
    in_album, _ = await found(client, admin, query=QUERY, albumIds=[album.json()["id"]])
    assert in_album == [asset_id for asset_id in by_text if asset_id in (ids[0], ids[3])]
    assert (await found(client, admin, query=QUERY, type="VIDEO"))[0] == []


async def test_other_users_assets_are_never_found(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    await clip_only(client, admin)
    other = await create_user(client, admin, "other@example.com")
    own = await upload_all(client, database, settings, admin, PHOTOS[:2])
    theirs = await upload_all(client, database, settings, other, PHOTOS[2:])

    assert set((await found(client, admin, query=QUERY))[0]) == set(own)
    assert set((await found(client, other, queryAssetId=theirs[0]))[0]) == set(theirs)
    refused = await smart(client, admin, queryAssetId=theirs[0])
    assert (refused.status_code, refused.json()) == (400, {"message": "Not found or no asset.read access"})


async def test_bad_requests_and_smart_search_turned_off(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    await clip_only(client, admin)
    unknown = str(uuid.uuid4())

    missing = await smart(client, admin)
    assert (missing.status_code, missing.json()) == (
        400,
        {"message": "Either `query` or `queryAssetId` must be set"},
    )
    assert (await smart(client, admin, queryAssetId=unknown)).status_code == 400

    config = (await client.get("/api/system-config", headers=admin.headers)).json()
    config["machineLearning"]["clip"]["enabled"] = False
    assert (await client.put("/api/system-config", json=config, headers=admin.headers)).status_code == 200
    off = await smart(client, admin, query=QUERY)
    assert (off.status_code, off.json()) == (400, {"message": "Smart search is not enabled"})


async def test_the_stored_embedding_is_what_the_ml_service_answers_by_the_contract(
    client: httpx.AsyncClient, database: Database, settings: Settings, ml_url: str
) -> None:
    admin = await sign_up_admin(client)
    await clip_only(client, admin)
    (asset_id,) = await upload_all(client, database, settings, admin, PHOTOS[:1])
    async with database.session() as db:
        preview_key = (
            await db.execute(
                select(AssetFile.path).where(
                    AssetFile.asset_id == uuid.UUID(asset_id), AssetFile.type == "preview"
                )
            )
        ).scalar_one()
    preview = (settings.media_root / preview_key).read_bytes()

    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{ml_url}/predict",
            data={"entries": orjson.dumps({"clip": {"visual": {"modelName": CLIP_NAME}}}).decode()},
            files={"image": ("blob", preview)},
        )

    assert response.status_code == 200
    # The preview keeps the photo's 800x533 pixels (it is smaller than 1440).
    answered = contract.check_clip_image(response.json(), 800, 533)
    stored = (await stored_embeddings(database))[asset_id]
    np.testing.assert_allclose(stored, answered, rtol=1e-6, atol=1e-7)
