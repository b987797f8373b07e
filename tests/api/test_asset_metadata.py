"""Key/value asset metadata (one asset or many) and stored edits."""

from __future__ import annotations

import httpx

from tests.api.asset_support import upload
from tests.dto_shapes import assert_shape
from tests.helpers import sign_up_admin

MOBILE = {"cloudId": "abc", "createdAt": "2024-01-01T00:00:00Z"}


async def test_upsert_read_and_delete_an_assets_metadata(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin)
    url = f"/api/assets/{asset_id}/metadata"

    stored = await client.put(
        url, json={"items": [{"key": "mobile-app", "value": MOBILE}]}, headers=admin.headers
    )
    assert stored.status_code == 200, stored.text
    assert_shape(stored.json(), "AssetMetadataResponseDto[]")
    assert [(item["key"], item["value"]) for item in stored.json()] == [("mobile-app", MOBILE)]
    replaced = await client.put(
        url, json={"items": [{"key": "mobile-app", "value": {"a": 1}}]}, headers=admin.headers
    )
    assert replaced.json()[0]["value"] == {"a": 1}

    listed = await client.get(url, headers=admin.headers)
    assert [item["key"] for item in listed.json()] == ["mobile-app"]
    one = await client.get(f"{url}/mobile-app", headers=admin.headers)
    assert one.json() == replaced.json()[0]
    duplicate = await client.put(
        url, json={"items": [{"key": "k", "value": {}}, {"key": "k", "value": {}}]}, headers=admin.headers
    )
    assert duplicate.json() == {"message": f'Duplicate items are not allowed: "({asset_id}, k)"'}

    deleted = await client.delete(f"{url}/mobile-app", headers=admin.headers)
    assert deleted.status_code == 204
    missing = await client.get(f"{url}/mobile-app", headers=admin.headers)
    assert missing.status_code == 400
    assert missing.json() == {
        "message": f'Metadata with key "mobile-app" not found for asset with id "{asset_id}"'
    }


async def test_bulk_metadata(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    first, second = await upload(client, admin), await upload(client, admin)
    items = [
        {"assetId": first, "key": "a", "value": {"x": 1}},
        {"assetId": second, "key": "b", "value": {"y": 2}},
    ]

    stored = await client.put("/api/assets/metadata", json={"items": items}, headers=admin.headers)

    assert stored.status_code == 200, stored.text
    assert_shape(stored.json(), "AssetMetadataBulkResponseDto[]")
    assert [(item["assetId"], item["key"], item["value"]) for item in stored.json()] == [
        (first, "a", {"x": 1}),
        (second, "b", {"y": 2}),
    ]
    removed = await client.request(
        "DELETE",
        "/api/assets/metadata",
        json={"items": [{"assetId": first, "key": "a"}]},
        headers=admin.headers,
    )
    assert removed.status_code == 204
    assert (await client.get(f"/api/assets/{first}/metadata", headers=admin.headers)).json() == []
    assert len((await client.get(f"/api/assets/{second}/metadata", headers=admin.headers)).json()) == 1


async def test_edits_are_stored_in_order_and_removed(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin)
    url = f"/api/assets/{asset_id}/edits"
    edits = [
        {"action": "rotate", "parameters": {"angle": 90}},
        {"action": "mirror", "parameters": {"axis": "horizontal"}},
    ]

    stored = await client.put(url, json={"edits": edits}, headers=admin.headers)

    assert stored.status_code == 200, stored.text
    assert_shape(stored.json(), "AssetEditsResponseDto")
    assert stored.json()["assetId"] == asset_id
    assert [(edit["action"], edit["parameters"]) for edit in stored.json()["edits"]] == [
        ("rotate", {"angle": 90}),
        ("mirror", {"axis": "horizontal"}),
    ]
    assert (await client.get(url, headers=admin.headers)).json() == stored.json()

    crop_later = await client.put(
        url,
        json={
            "edits": [edits[0], {"action": "crop", "parameters": {"x": 0, "y": 0, "width": 1, "height": 1}}]
        },
        headers=admin.headers,
    )
    assert crop_later.json() == {"message": "Crop action must be the first edit action"}
    bad = await client.put(
        url, json={"edits": [{"action": "mirror", "parameters": {"axis": "diagonal"}}]}, headers=admin.headers
    )
    assert bad.status_code == 400

    removed = await client.delete(url, headers=admin.headers)
    assert removed.status_code == 204
    assert (await client.get(url, headers=admin.headers)).json() == {"assetId": asset_id, "edits": []}


async def test_only_images_can_be_edited(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    video = await upload(client, admin, "clip.mp4")
    response = await client.put(
        f"/api/assets/{video}/edits",
        json={"edits": [{"action": "rotate", "parameters": {"angle": 90}}]},
        headers=admin.headers,
    )
    assert response.json() == {"message": "Only images can be edited"}
