"""Stacks: create (merging stacks), read, change the primary asset, remove members, delete; owner only."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.asset_support import upload
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin


async def create_stack(client: httpx.AsyncClient, user: LoggedIn, asset_ids: list[str]) -> dict[str, Any]:
    response = await client.post("/api/stacks", json={"assetIds": asset_ids}, headers=user.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert_shape(body, "StackResponseDto")
    return body


async def stack_of(client: httpx.AsyncClient, user: LoggedIn, asset_id: str) -> Any:
    return (await client.get(f"/api/assets/{asset_id}", headers=user.headers)).json()["stack"]


async def test_create_makes_the_first_asset_primary(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    ids = [await upload(client, admin) for _ in range(3)]

    stack = await create_stack(client, admin, ids)

    assert stack["primaryAssetId"] == ids[0]
    assert [asset["id"] for asset in stack["assets"]] == ids
    assert await stack_of(client, admin, ids[2]) == {
        "id": stack["id"],
        "primaryAssetId": ids[0],
        "assetCount": 3,
    }
    listed = await client.get("/api/stacks", headers=admin.headers)
    assert [item["id"] for item in listed.json()] == [stack["id"]]
    by_primary = await client.get(f"/api/stacks?primaryAssetId={ids[1]}", headers=admin.headers)
    assert by_primary.json() == []

    too_few = await client.post("/api/stacks", json={"assetIds": [ids[0]]}, headers=admin.headers)
    assert too_few.status_code == 400


async def test_stacking_a_primary_asset_merges_its_stack(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    a, b, c, d = [await upload(client, admin) for _ in range(4)]
    old = await create_stack(client, admin, [a, b])

    merged = await create_stack(client, admin, [c, a, d])

    assert merged["primaryAssetId"] == c
    assert sorted(asset["id"] for asset in merged["assets"]) == sorted([a, b, c, d])
    gone = await client.get(f"/api/stacks/{old['id']}", headers=admin.headers)
    assert gone.status_code == 400


async def test_update_primary_remove_member_and_delete(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    a, b, c = [await upload(client, admin) for _ in range(3)]
    outsider = await upload(client, admin)
    stack = await create_stack(client, admin, [a, b, c])
    url = f"/api/stacks/{stack['id']}"

    updated = await client.put(url, json={"primaryAssetId": b}, headers=admin.headers)
    assert updated.status_code == 200
    assert updated.json()["primaryAssetId"] == b
    wrong = await client.put(url, json={"primaryAssetId": outsider}, headers=admin.headers)
    assert wrong.json() == {"message": "Primary asset must be in the stack"}

    primary = await client.delete(f"{url}/assets/{b}", headers=admin.headers)
    assert primary.json() == {"message": "Cannot remove stack's primary asset"}
    not_in = await client.delete(f"{url}/assets/{outsider}", headers=admin.headers)
    assert not_in.json() == {"message": "Asset not in stack"}
    removed = await client.delete(f"{url}/assets/{c}", headers=admin.headers)
    assert removed.status_code == 204
    assert await stack_of(client, admin, c) is None
    assert (await client.get(url, headers=admin.headers)).json()["assets"][1]["id"] in (a, b)

    deleted = await client.delete(url, headers=admin.headers)
    assert deleted.status_code == 204
    assert await stack_of(client, admin, a) is None


async def test_bulk_delete_and_owner_only_access(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    ids = [await upload(client, admin) for _ in range(4)]
    first = await create_stack(client, admin, ids[:2])
    second = await create_stack(client, admin, ids[2:])

    for method, suffix, body, permission in [
        ("GET", "", None, "stack.read"),
        ("PUT", "", {"primaryAssetId": ids[1]}, "stack.update"),
        ("DELETE", "", None, "stack.delete"),
        ("DELETE", f"/assets/{ids[1]}", None, "stack.update"),
    ]:
        response = await client.request(
            method, f"/api/stacks/{first['id']}{suffix}", json=body, headers=other.headers
        )
        assert response.status_code == 400, (method, suffix)
        assert response.json() == {"message": f"Not found or no {permission} access"}
    assert (await client.get("/api/stacks", headers=other.headers)).json() == []
    refused = await client.request(
        "DELETE", "/api/stacks", json={"ids": [first["id"]]}, headers=other.headers
    )
    assert refused.json() == {"message": "Not found or no stack.delete access"}

    response = await client.request(
        "DELETE", "/api/stacks", json={"ids": [first["id"], second["id"]]}, headers=admin.headers
    )
    assert response.status_code == 204
    assert (await client.get("/api/stacks", headers=admin.headers)).json() == []
