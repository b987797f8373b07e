"""Asset info, updates (one and bulk), deletes, copies, OCR, and who may touch which asset."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from albumen.db.engine import Database
from albumen.db.tables import AssetExif
from tests.api.asset_support import asset_row, unlock_pin, upload
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin


async def get_asset(client: httpx.AsyncClient, user: LoggedIn, asset_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/assets/{asset_id}", headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert_shape(body, "AssetResponseDto")
    return body


async def locked_properties(database: Database, asset_id: str) -> list[str]:
    async with database.session() as session:
        query = select(AssetExif.locked_properties).where(AssetExif.asset_id == uuid.UUID(asset_id))
        return sorted((await session.execute(query)).scalar_one() or [])


async def test_get_reports_no_stack_and_no_tags(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin)
    body = await get_asset(client, admin, asset_id)
    assert body["stack"] is None
    assert body["tags"] == []


async def test_update_changes_the_asset_and_locks_edited_exif(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin)

    response = await client.put(
        f"/api/assets/{asset_id}",
        json={
            "isFavorite": True,
            "visibility": "archive",
            "description": "At the lake",
            "dateTimeOriginal": "2021-03-04T10:20:30.000+02:00",
            "latitude": 46.5,
            "longitude": 6.6,
            "rating": 4,
        },
        headers=admin.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert_shape(body, "AssetResponseDto")
    assert (body["isFavorite"], body["visibility"], body["isArchived"]) == (True, "archive", True)
    exif = body["exifInfo"]
    assert (exif["description"], exif["latitude"], exif["longitude"], exif["rating"]) == (
        "At the lake",
        46.5,
        6.6,
        4,
    )
    assert exif["dateTimeOriginal"] == "2021-03-04T08:20:30.000Z"
    assert exif["timeZone"] == "UTC+2"
    # The timeline follows the new date: taken at 10:20 local time, 08:20 UTC.
    assert body["fileCreatedAt"] == "2021-03-04T08:20:30.000Z"
    assert body["localDateTime"] == "2021-03-04T10:20:30.000Z"
    assert await locked_properties(database, asset_id) == [
        "dateTimeOriginal",
        "description",
        "latitude",
        "longitude",
        "rating",
        "timeZone",
    ]
    assert await get_asset(client, admin, asset_id) == body


async def test_update_leaves_unnamed_fields_alone(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin)
    await client.put(f"/api/assets/{asset_id}", json={"rating": 5, "description": "x"}, headers=admin.headers)
    response = await client.put(f"/api/assets/{asset_id}", json={"rating": None}, headers=admin.headers)
    body = response.json()
    assert (body["exifInfo"]["rating"], body["exifInfo"]["description"], body["isFavorite"]) == (
        None,
        "x",
        False,
    )
    assert await locked_properties(database, asset_id) == ["description", "rating"]

    invalid = await client.put(f"/api/assets/{asset_id}", json={"rating": 9}, headers=admin.headers)
    assert invalid.status_code == 400
    assert invalid.json()["message"] == "Validation failed"


async def test_live_photo_link_hides_the_motion_part_and_unlinking_shows_it(
    client: httpx.AsyncClient,
) -> None:
    admin = await sign_up_admin(client)
    photo = await upload(client, admin, "live.heic")
    video = await upload(client, admin, "live.mov")
    other_photo = await upload(client, admin, "other.jpg")

    linked = await client.put(f"/api/assets/{photo}", json={"livePhotoVideoId": video}, headers=admin.headers)
    assert linked.json()["livePhotoVideoId"] == video
    assert (await get_asset(client, admin, video))["visibility"] == "hidden"
    not_video = await client.put(
        f"/api/assets/{photo}", json={"livePhotoVideoId": other_photo}, headers=admin.headers
    )
    assert not_video.status_code == 400
    assert not_video.json() == {"message": "Live photo video must be a video"}

    unlinked = await client.put(
        f"/api/assets/{photo}", json={"livePhotoVideoId": None}, headers=admin.headers
    )
    assert unlinked.json().get("livePhotoVideoId") is None
    assert (await get_asset(client, admin, video))["visibility"] == "timeline"


async def test_locked_visibility_needs_an_unlocked_session(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin)

    refused = await client.put(
        f"/api/assets/{asset_id}", json={"visibility": "locked"}, headers=admin.headers
    )
    assert refused.status_code == 401
    assert refused.json() == {"message": "Elevated permission is required"}
    bulk = await client.put(
        "/api/assets", json={"ids": [asset_id], "visibility": "locked"}, headers=admin.headers
    )
    assert bulk.status_code == 401

    await unlock_pin(client, admin)
    locked = await client.put(f"/api/assets/{asset_id}", json={"visibility": "locked"}, headers=admin.headers)
    assert locked.status_code == 200, locked.text
    assert locked.json()["visibility"] == "locked"

    # A session that is not unlocked can no longer reach the locked asset.
    other_session = await client.post(
        "/api/auth/login", json={"email": admin.email, "password": admin.password}
    )
    client.cookies.clear()
    headers = {"Authorization": f"Bearer {other_session.json()['accessToken']}"}
    hidden = await client.get(f"/api/assets/{asset_id}", headers=headers)
    assert hidden.status_code == 400
    assert hidden.json() == {"message": "Not found or no asset.read access"}
    stats = await client.get("/api/assets/statistics?visibility=locked", headers=headers)
    assert stats.status_code == 401


async def test_bulk_update_changes_every_asset(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    first, second = await upload(client, admin), await upload(client, admin)
    await client.put(
        f"/api/assets/{first}", json={"dateTimeOriginal": "2020-01-01T12:00:00.000Z"}, headers=admin.headers
    )
    await client.put(
        f"/api/assets/{second}", json={"dateTimeOriginal": "2020-06-01T12:00:00.000Z"}, headers=admin.headers
    )
    duplicate_id = str(uuid.uuid4())

    response = await client.put(
        "/api/assets",
        json={
            "ids": [first, second],
            "isFavorite": True,
            "rating": 3,
            "duplicateId": duplicate_id,
            "dateTimeRelative": 90,
            "timeZone": "Europe/Paris",
        },
        headers=admin.headers,
    )

    assert response.status_code == 204, response.text
    one, two = await get_asset(client, admin, first), await get_asset(client, admin, second)
    assert [one["isFavorite"], two["isFavorite"]] == [True, True]
    assert [one["exifInfo"]["rating"], two["exifInfo"]["rating"]] == [3, 3]
    assert [one["duplicateId"], two["duplicateId"]] == [duplicate_id, duplicate_id]
    assert one["exifInfo"]["dateTimeOriginal"] == "2020-01-01T13:30:00.000Z"
    assert one["exifInfo"]["timeZone"] == "Europe/Paris"
    assert one["localDateTime"] == "2020-01-01T14:30:00.000Z"  # winter: UTC+1
    assert two["localDateTime"] == "2020-06-01T15:30:00.000Z"  # summer: UTC+2
    assert "timeZone" in await locked_properties(database, first)


async def test_delete_moves_to_trash_and_force_deletes_for_good(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    trashed, forced = await upload(client, admin), await upload(client, admin)

    response = await client.request("DELETE", "/api/assets", json={"ids": [trashed]}, headers=admin.headers)
    assert response.status_code == 204
    body = await get_asset(client, admin, trashed)
    assert body["isTrashed"] is True
    row = await asset_row(database, trashed)
    assert row is not None and row.status == "trashed"

    response = await client.request(
        "DELETE", "/api/assets", json={"ids": [forced], "force": True}, headers=admin.headers
    )
    assert response.status_code == 204
    assert await asset_row(database, forced) is None
    gone = await client.get(f"/api/assets/{forced}", headers=admin.headers)
    assert gone.status_code == 400


async def test_copy_carries_favourite_and_stack_to_the_target(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    source, sibling, target = (
        await upload(client, admin),
        await upload(client, admin),
        await upload(client, admin),
    )
    await client.put(f"/api/assets/{source}", json={"isFavorite": True}, headers=admin.headers)
    stack = (
        await client.post("/api/stacks", json={"assetIds": [source, sibling]}, headers=admin.headers)
    ).json()

    response = await client.put(
        "/api/assets/copy", json={"sourceId": source, "targetId": target}, headers=admin.headers
    )

    assert response.status_code == 204, response.text
    copied = await get_asset(client, admin, target)
    assert copied["isFavorite"] is True
    assert copied["stack"] == {"id": stack["id"], "primaryAssetId": source, "assetCount": 3}
    same = await client.put(
        "/api/assets/copy", json={"sourceId": source, "targetId": source}, headers=admin.headers
    )
    assert same.json() == {"message": "Source and target id must be distinct"}


async def test_ocr_is_empty_until_text_was_read(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin)
    response = await client.get(f"/api/assets/{asset_id}/ocr", headers=admin.headers)
    assert (response.status_code, response.json()) == (200, [])


def _asset_routes(asset_id: str) -> list[tuple[str, str, dict[str, Any] | None, str]]:
    """(method, url, JSON body, permission in the error) for every route that takes an asset id."""
    one = f"/api/assets/{asset_id}"
    return [
        ("GET", one, None, "asset.read"),
        ("PUT", one, {"isFavorite": True}, "asset.update"),
        ("GET", f"{one}/original", None, "asset.download"),
        ("GET", f"{one}/thumbnail?size=preview", None, "asset.view"),
        ("GET", f"{one}/video/playback", None, "asset.view"),
        ("GET", f"{one}/metadata", None, "asset.read"),
        ("PUT", f"{one}/metadata", {"items": [{"key": "k", "value": {"a": 1}}]}, "asset.update"),
        ("GET", f"{one}/metadata/k", None, "asset.read"),
        ("DELETE", f"{one}/metadata/k", None, "asset.update"),
        ("GET", f"{one}/ocr", None, "asset.read"),
        ("GET", f"{one}/edits", None, "asset.edit.get"),
        (
            "PUT",
            f"{one}/edits",
            {"edits": [{"action": "rotate", "parameters": {"angle": 90}}]},
            "asset.edit.create",
        ),
        ("DELETE", f"{one}/edits", None, "asset.edit.delete"),
        ("PUT", "/api/assets", {"ids": [asset_id], "isFavorite": True}, "asset.update"),
        ("DELETE", "/api/assets", {"ids": [asset_id]}, "asset.delete"),
        ("PUT", "/api/assets/copy", {"sourceId": asset_id, "targetId": asset_id}, "asset.copy"),
        (
            "PUT",
            "/api/assets/metadata",
            {"items": [{"assetId": asset_id, "key": "k", "value": {}}]},
            "asset.update",
        ),
        ("DELETE", "/api/assets/metadata", {"items": [{"assetId": asset_id, "key": "k"}]}, "asset.update"),
        ("POST", "/api/download/info", {"assetIds": [asset_id]}, "asset.download"),
        ("POST", "/api/download/archive", {"assetIds": [asset_id]}, "asset.download"),
        ("POST", "/api/trash/restore/assets", {"ids": [asset_id]}, "asset.delete"),
        ("POST", "/api/stacks", {"assetIds": [asset_id, asset_id]}, "asset.update"),
        ("GET", f"/api/asset-files?assetId={asset_id}", None, "asset.read"),
    ]


@pytest.mark.parametrize(
    "route", range(len(_asset_routes("x"))), ids=lambda i: " ".join(_asset_routes("{id}")[i][:2])
)
async def test_another_users_asset_is_not_found_on_every_asset_route(
    client: httpx.AsyncClient, route: int
) -> None:
    admin = await sign_up_admin(client)
    owner = await create_user(client, admin, "owner@albumen.test")
    stranger = await create_user(client, admin, "stranger@albumen.test")
    asset_id = await upload(client, owner, "clip.mp4")
    method, url, body, permission = _asset_routes(asset_id)[route]

    response = await client.request(method, url, json=body, headers=stranger.headers)

    assert response.status_code == 400, response.text
    assert response.json() == {"message": f"Not found or no {permission} access"}
    still_there = await get_asset(client, owner, asset_id)
    assert (still_there["isFavorite"], still_there["isTrashed"]) == (False, False)


async def test_bulk_requests_take_tens_of_thousands_of_ids(client: httpx.AsyncClient) -> None:
    """More ids than PostgreSQL's 32,767 parameters per statement: checked, not a server error."""
    admin = await sign_up_admin(client)
    mine = await upload(client, admin)
    strangers = [str(uuid.uuid4()) for _ in range(40_000)]

    refused = await client.request(
        "DELETE", "/api/assets", json={"ids": [mine, *strangers]}, headers=admin.headers
    )
    assert refused.status_code == 400
    assert refused.json() == {"message": "Not found or no asset.delete access"}
    tag = (await client.post("/api/tags", json={"name": "t"}, headers=admin.headers)).json()
    tagged = await client.put(
        "/api/tags/assets",
        json={"tagIds": [tag["id"]], "assetIds": [mine, *strangers]},
        headers=admin.headers,
    )
    assert tagged.json() == {"count": 1}
