"""``/api/duplicates``: copies found by perceptual hash without any CLIP model, resolved and dismissed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageOps
from sqlalchemy import select

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import Job
from tests.conftest import TESTDATA
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, run_jobs, sign_up_admin, upload_asset

NATURE = TESTDATA / "immich-test-assets" / "albums" / "nature"
ORIGINAL = NATURE / "prairie_falcon.jpg"
UNRELATED = [NATURE / "el_torcal_rocks.jpg", NATURE / "tanners_ridge.jpg"]
NO_ACCESS = {"message": "Not found or no duplicate.delete access"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # No machine learning at all: duplicates must be found from the perceptual hash alone.
    return Settings(data_dir=tmp_path / "data", db_url=None, machine_learning_enabled=False)


def degraded_copy(path: Path) -> bytes:
    """Upright, half the size, JPEG quality 60, no EXIF: what a messenger app makes of a photo."""
    with Image.open(path) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    smaller = upright.resize((upright.width // 2, upright.height // 2), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    smaller.save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


async def upload(client: httpx.AsyncClient, user: LoggedIn, path: Path, **kwargs: Any) -> str:
    response = await upload_asset(client, user, path, **kwargs)
    assert response.status_code == 201, response.text
    asset_id: str = response.json()["id"]
    return asset_id


async def library(
    client: httpx.AsyncClient, database: Database, settings: Settings, user: LoggedIn
) -> tuple[str, str, list[str]]:
    """(original, its degraded copy, unrelated photos), uploaded and processed."""
    original = await upload(client, user, ORIGINAL)
    copy = await upload(client, user, ORIGINAL, filename="IMG-WA0001.jpg", content=degraded_copy(ORIGINAL))
    others = [await upload(client, user, path) for path in UNRELATED]
    await run_jobs(database, settings)
    return original, copy, others


async def duplicates_of(client: httpx.AsyncClient, user: LoggedIn) -> list[dict[str, Any]]:
    response = await client.get("/api/duplicates", headers=user.headers)
    assert response.status_code == 200, response.text
    groups: list[dict[str, Any]] = response.json()
    for group in groups:
        assert_shape(group, "DuplicateResponseDto")
    return groups


async def asset(client: httpx.AsyncClient, user: LoggedIn, asset_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/assets/{asset_id}", headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_degraded_copy_is_a_duplicate_and_unrelated_photos_are_not(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    original, copy, others = await library(client, database, settings, admin)

    groups = await duplicates_of(client, admin)

    assert len(groups) == 1
    group = groups[0]
    assert {item["id"] for item in group["assets"]} == {original, copy}
    assert all(item["duplicateId"] == group["duplicateId"] for item in group["assets"])
    assert all("exifInfo" in item for item in group["assets"])
    # The larger file is the one to keep.
    assert group["suggestedKeepAssetIds"] == [original]
    for other in others:
        assert (await asset(client, admin, other))["duplicateId"] is None


async def test_an_unreachable_ml_service_holds_smart_search_but_not_the_hash_check(
    client: httpx.AsyncClient, database: Database, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", db_url=None, machine_learning_url="http://127.0.0.1:9")
    admin = await sign_up_admin(client)
    original, copy, _ = await library(client, database, settings, admin)

    assert {item["id"] for item in (await duplicates_of(client, admin))[0]["assets"]} == {original, copy}
    async with database.session() as db:
        states = (await db.execute(select(Job.status, Job.error).where(Job.name == "SmartSearch"))).all()
    assert len(states) == 4
    assert all(status == "waiting" and (error or "").startswith("RetryLater") for status, error in states)


async def test_resolve_keeps_one_trashes_the_rest_and_merges_into_the_kept_one(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    original, copy, _ = await library(client, database, settings, admin)
    original_description = (await asset(client, admin, original))["exifInfo"]["description"]
    assert original_description
    album = await client.post(
        "/api/albums", json={"albumName": "Birds", "assetIds": [copy]}, headers=admin.headers
    )
    assert album.status_code == 201, album.text
    updated = await client.put(
        f"/api/assets/{copy}",
        json={"isFavorite": True, "rating": 4, "description": "Seen at dawn"},
        headers=admin.headers,
    )
    assert updated.status_code == 200, updated.text
    duplicate_id = (await duplicates_of(client, admin))[0]["duplicateId"]

    resolved = await client.post(
        "/api/duplicates/resolve",
        json={"groups": [{"duplicateId": duplicate_id, "keepAssetIds": [original], "trashAssetIds": [copy]}]},
        headers=admin.headers,
    )

    assert resolved.status_code == 200, resolved.text
    assert resolved.json() == [{"id": duplicate_id, "success": True}]
    kept = await asset(client, admin, original)
    assert kept["duplicateId"] is None
    assert kept["isFavorite"] is True
    assert kept["exifInfo"]["rating"] == 4
    # Each asset's description lines, once each (the original's came from its EXIF).
    assert kept["exifInfo"]["description"].split("\n") == [original_description, "Seen at dawn"]
    trashed = await asset(client, admin, copy)
    assert trashed["isTrashed"] is True and trashed["duplicateId"] is None
    in_album = await client.post(
        "/api/search/metadata", json={"albumIds": [album.json()["id"]]}, headers=admin.headers
    )
    assert [item["id"] for item in in_album.json()["assets"]["items"]] == [original]
    assert await duplicates_of(client, admin) == []


async def test_resolve_reports_a_group_not_fully_decided(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    original, copy, _ = await library(client, database, settings, admin)
    duplicate_id = (await duplicates_of(client, admin))[0]["duplicateId"]

    resolved = await client.post(
        "/api/duplicates/resolve",
        json={"groups": [{"duplicateId": duplicate_id, "keepAssetIds": [original], "trashAssetIds": []}]},
        headers=admin.headers,
    )

    assert resolved.status_code == 200
    assert resolved.json() == [
        {
            "id": duplicate_id,
            "success": False,
            "error": "validation",
            "errorMessage": "Every asset must be in either keepAssetIds or trashAssetIds",
        }
    ]
    assert (await asset(client, admin, copy))["isTrashed"] is False


async def test_delete_dismisses_a_group_and_only_its_owner_may(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@example.com")
    original, copy, _ = await library(client, database, settings, admin)
    duplicate_id = (await duplicates_of(client, admin))[0]["duplicateId"]

    assert await duplicates_of(client, other) == []
    refused = await client.delete(f"/api/duplicates/{duplicate_id}", headers=other.headers)
    assert (refused.status_code, refused.json()) == (400, NO_ACCESS)
    refused = await client.request(
        "DELETE", "/api/duplicates", json={"ids": [duplicate_id]}, headers=other.headers
    )
    assert (refused.status_code, refused.json()) == (400, NO_ACCESS)
    refused = await client.post(
        "/api/duplicates/resolve",
        json={"groups": [{"duplicateId": duplicate_id, "keepAssetIds": [copy], "trashAssetIds": [original]}]},
        headers=other.headers,
    )
    assert (refused.status_code, refused.json()) == (400, NO_ACCESS)

    deleted = await client.delete(f"/api/duplicates/{duplicate_id}", headers=admin.headers)

    assert deleted.status_code == 204
    assert await duplicates_of(client, admin) == []
    assert (await asset(client, admin, original))["duplicateId"] is None
    assert (await asset(client, admin, copy))["isTrashed"] is False


async def test_bulk_delete_dismisses_groups(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    await library(client, database, settings, admin)
    duplicate_id = (await duplicates_of(client, admin))[0]["duplicateId"]

    deleted = await client.request(
        "DELETE", "/api/duplicates", json={"ids": [duplicate_id]}, headers=admin.headers
    )

    assert deleted.status_code == 204
    assert await duplicates_of(client, admin) == []
