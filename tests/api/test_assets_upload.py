"""Uploads as the CLI and the mobile app send them: stored once, durable, deduplicated, scoped."""

from __future__ import annotations

import base64
import hashlib
import os
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import Asset, AssetMetadata
from albumen.db.tables.jobs import Job
from albumen.services.asset_upload import recover_staged_uploads, staged_names
from albumen.storage.local import LocalStorage
from tests.conftest import TESTDATA
from tests.dto_shapes import assert_shape
from tests.helpers import UPLOAD_DATES as DATES
from tests.helpers import LoggedIn, create_user, sign_up_admin, upload_asset

PHOTO = TESTDATA / "immich-test-assets" / "albums" / "nature" / "prairie_falcon.jpg"
VIDEO = TESTDATA / "videos" / "h264-aac-gps.mp4"


async def upload(
    client: httpx.AsyncClient, user: LoggedIn, path: Path = PHOTO, **fields: str
) -> httpx.Response:
    return await upload_asset(client, user, path, **fields)


def staged_leftovers(settings: Settings) -> list[str]:
    staging = LocalStorage(settings.media_root).staging_dir()
    return sorted(path.name for path in staging.iterdir()) if staging.exists() else []


async def test_upload_creates_then_reports_the_duplicate(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    first = await upload(client, admin)
    assert first.status_code == 201
    assert first.json()["status"] == "created"
    second = await upload(client, admin, filename="copy.jpg")
    assert second.status_code == 200
    assert second.json() == {"id": first.json()["id"], "status": "duplicate"}
    assert staged_leftovers(settings) == []

    asset = (await client.get(f"/api/assets/{first.json()['id']}", headers=admin.headers)).json()
    assert_shape(asset, "AssetResponseDto")
    assert asset["checksum"] == base64.b64encode(hashlib.sha1(PHOTO.read_bytes()).digest()).decode()
    assert asset["originalFileName"] == PHOTO.name
    assert asset["type"] == "IMAGE"
    stored = settings.media_root / asset["originalPath"]
    assert stored.read_bytes() == PHOTO.read_bytes()
    assert stored.relative_to(settings.media_root).parts[:2] == ("upload", admin.user_id)


async def test_fields_immich_3_dropped_are_ignored_and_clock_durations_accepted(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    response = await upload(
        client,
        admin,
        VIDEO,
        deviceAssetId="local-1",
        deviceId="phone",
        fileSize="123",
        duration="0:00:05.500000",
    )
    assert response.status_code == 201, response.text
    async with database.session() as db:
        asset = (await db.execute(select(Asset))).scalar_one()
    assert (asset.type, asset.duration_ms) == ("VIDEO", 5500)


async def test_upload_queues_metadata_extraction_in_the_same_transaction(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    asset_id = (await upload(client, admin)).json()["id"]
    async with database.session() as db:
        jobs = (await db.execute(select(Job.name, Job.data))).all()
    assert [(name, data["id"]) for name, data in jobs] == [("AssetExtractMetadata", asset_id)]


async def test_ios_metadata_is_stored(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    metadata = '[{"key":"mobile-app","value":{"cloudId":"abc-123"}}]'
    response = await upload(client, admin, metadata=metadata)
    assert response.status_code == 201
    async with database.session() as db:
        row = (await db.execute(select(AssetMetadata))).scalar_one()
    assert (row.key, row.value) == ("mobile-app", {"cloudId": "abc-123"})


async def test_quota_is_enforced_and_nothing_is_kept(client: httpx.AsyncClient, settings: Settings) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "small@albumen.test", quotaSizeInBytes=1000)
    response = await upload(client, user)
    assert response.status_code == 400
    assert response.json() == {"message": "Quota has been exceeded!"}
    assert staged_leftovers(settings) == []
    assert not (settings.media_root / "upload" / user.user_id).exists()


async def test_usage_grows_with_each_new_upload(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    await upload(client, admin)
    await upload(client, admin)
    me = (await client.get("/api/users/me", headers=admin.headers)).json()
    assert me["quotaUsageInBytes"] == PHOTO.stat().st_size


@pytest.mark.parametrize(
    ("filename", "fields", "message"),
    [
        ("notes.txt", {}, "Unsupported file type notes.txt"),
        ("photo.jpg", {"fileCreatedAt": "yesterday"}, "Validation failed"),
        ("photo.jpg", {"visibility": "everyone"}, "Validation failed"),
    ],
)
async def test_bad_uploads_get_400_and_leave_nothing(
    client: httpx.AsyncClient, settings: Settings, filename: str, fields: dict[str, str], message: str
) -> None:
    admin = await sign_up_admin(client)
    response = await upload(client, admin, filename=filename, **fields)
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert staged_leftovers(settings) == []


async def test_missing_file_part_is_a_validation_error(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.post(
        "/api/assets", data=DATES, files={"other": ("x", b"1")}, headers=admin.headers
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == ["assetData"]


async def test_truncated_body_is_rejected_and_cleaned_up(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    boundary = "albumenboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="assetData"; filename="a.jpg"\r\n\r\n'.encode()
        + PHOTO.read_bytes()[:1000]
    )
    response = await client.post(
        "/api/assets",
        content=body,
        headers={**admin.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 400
    assert staged_leftovers(settings) == []


async def test_hostile_file_names_never_leave_the_upload_folder(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    response = await upload(client, admin, filename="../../../../etc/evil.jpg")
    assert response.status_code == 201
    asset = (await client.get(f"/api/assets/{response.json()['id']}", headers=admin.headers)).json()
    stored = (settings.media_root / asset["originalPath"]).resolve()
    assert stored.is_relative_to((settings.media_root / "upload" / admin.user_id).resolve())


async def test_other_users_cannot_see_an_asset(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    asset_id = (await upload(client, admin)).json()["id"]
    response = await client.get(f"/api/assets/{asset_id}", headers=other.headers)
    assert response.status_code == 400
    assert response.json() == {"message": "Not found or no asset.read access"}
    assert (await client.get("/api/assets/not-a-uuid", headers=admin.headers)).status_code == 400


async def test_bulk_upload_check_accepts_hex_and_base64(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    asset_id = (await upload(client, admin)).json()["id"]
    digest = hashlib.sha1(PHOTO.read_bytes()).digest()
    response = await client.post(
        "/api/assets/bulk-upload-check",
        json={
            "assets": [
                {"id": "hex", "checksum": digest.hex()},
                {"id": "b64", "checksum": base64.b64encode(digest).decode()},
                {"id": "new", "checksum": "00" * 20},
            ]
        },
        headers=admin.headers,
    )
    assert response.status_code == 200
    results = {item["id"]: item for item in response.json()["results"]}
    duplicate = {"action": "reject", "reason": "duplicate", "assetId": asset_id, "isTrashed": False}
    assert results["hex"] == {"id": "hex", **duplicate}
    assert results["b64"] == {"id": "b64", **duplicate}
    assert results["new"] == {"id": "new", "action": "accept"}


async def test_statistics_count_the_callers_assets(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    await upload(client, admin)
    await upload(client, admin, VIDEO)
    stats = (await client.get("/api/assets/statistics", headers=admin.headers)).json()
    assert stats == {"images": 1, "videos": 1, "total": 2}


async def test_a_crash_after_commit_is_finished_at_start_and_abandoned_uploads_removed(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    asset_id = uuid.UUID((await upload(client, admin)).json()["id"])
    storage = LocalStorage(settings.media_root)
    async with database.session() as db:
        asset = (await db.execute(select(Asset).where(Asset.id == asset_id))).scalar_one()
    original = storage.local_path(asset.original_path)
    # As if the process died between the commit and the rename:
    original.rename(storage.staging_dir() / staged_names(asset_id)["assetData"])
    abandoned = storage.staging_dir() / staged_names(uuid.uuid4())["assetData"]
    abandoned.write_bytes(b"half a photo")
    in_flight = storage.staging_dir() / staged_names(uuid.uuid4())["assetData"]
    in_flight.write_bytes(b"still arriving")
    two_hours_ago = time.time() - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))

    async with database.session() as db:
        counts = await recover_staged_uploads(db, storage)
    assert counts == {"adopted": 1, "removed": 1}
    assert original.read_bytes() == PHOTO.read_bytes()
    assert not abandoned.exists()
    assert in_flight.exists()
