"""``API keys``: the 3.2.2 create shape, hashing, what a key may use and hand out, rotation, isolation."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select

from albumen.db.engine import Database
from albumen.db.tables import ApiKey
from albumen.services.crypto import hash_token
from tests.helpers import create_api_key, create_user, sign_up_admin

KEY_FIELDS = {"id", "name", "permissions", "createdAt", "updatedAt"}


def as_key(secret: str) -> dict[str, str]:
    return {"x-api-key": secret}


async def test_create_answers_the_flattened_3_2_shape(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    response = await client.post("/api/api-keys", json={"permissions": ["all"]}, headers=admin.headers)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == KEY_FIELDS | {"secret", "apiKey"}
    assert body["name"] == "API Key"
    assert body["permissions"] == ["all"]
    assert body["apiKey"] == {field: body[field] for field in KEY_FIELDS}

    async with database.session() as db:
        stored = (await db.execute(select(ApiKey.key).where(ApiKey.id == uuid.UUID(body["id"])))).scalar_one()
    assert stored == hash_token(body["secret"]) != body["secret"]


async def test_list_get_update_delete(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    created = (
        await client.post(
            "/api/api-keys", json={"name": "cli", "permissions": ["all"]}, headers=admin.headers
        )
    ).json()
    key_id = created["id"]

    listed = await client.get("/api/api-keys", headers=admin.headers)
    assert listed.status_code == 200
    assert listed.json() == [created["apiKey"]]
    fetched = await client.get(f"/api/api-keys/{key_id}", headers=admin.headers)
    assert fetched.json() == created["apiKey"]

    updated = await client.put(
        f"/api/api-keys/{key_id}",
        json={"name": "renamed", "permissions": ["asset.read", "asset.upload"]},
        headers=admin.headers,
    )
    assert updated.status_code == 200
    assert updated.json()["name"] == "renamed"
    assert updated.json()["permissions"] == ["asset.read", "asset.upload"]
    assert updated.json()["id"] == key_id

    deleted = await client.delete(f"/api/api-keys/{key_id}", headers=admin.headers)
    assert deleted.status_code == 204
    gone = await client.get(f"/api/api-keys/{key_id}", headers=admin.headers)
    assert gone.status_code == 400
    assert gone.json() == {"message": "API Key not found"}
    unauthorised = await client.post("/api/auth/validateToken", headers=as_key(created["secret"]))
    assert unauthorised.status_code == 401
    assert unauthorised.json() == {"message": "Invalid API key"}


async def test_me_is_the_key_used_for_the_request(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    secret = await create_api_key(client, admin, ["user.read"], name="cli")
    me = await client.get("/api/api-keys/me", headers=as_key(secret))
    assert me.status_code == 200
    assert me.json()["name"] == "cli"
    assert me.json()["permissions"] == ["user.read"]

    with_session = await client.get("/api/api-keys/me", headers=admin.headers)
    assert with_session.status_code == 403
    assert with_session.json() == {"message": "Not authenticated with an API Key"}


async def test_a_key_may_only_use_its_permissions(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    secret = await create_api_key(client, admin, ["user.read"])
    response = await client.get("/api/api-keys", headers=as_key(secret))
    assert response.status_code == 403
    assert response.json() == {"message": "Missing required permission: apiKey.read"}


async def test_a_key_cannot_grant_more_than_it_holds(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    creator = await create_api_key(client, admin, ["apiKey.create", "apiKey.update", "asset.read"])
    too_much = await client.post("/api/api-keys", json={"permissions": ["all"]}, headers=as_key(creator))
    assert too_much.status_code == 400
    assert too_much.json() == {"message": "Cannot grant permissions you do not have"}

    subset = await client.post("/api/api-keys", json={"permissions": ["asset.read"]}, headers=as_key(creator))
    assert subset.status_code == 201
    widen = await client.put(
        f"/api/api-keys/{subset.json()['id']}",
        json={"permissions": ["asset.delete"]},
        headers=as_key(creator),
    )
    assert widen.status_code == 400
    assert widen.json() == {"message": "Cannot grant permissions you do not have"}


async def test_rotate_replaces_the_secret_and_keeps_the_key(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    created = (
        await client.post("/api/api-keys", json={"permissions": ["all"]}, headers=admin.headers)
    ).json()
    rotated = await client.post(f"/api/api-keys/{created['id']}/rotate", headers=admin.headers)
    assert rotated.status_code == 201
    body = rotated.json()
    assert set(body) == KEY_FIELDS | {"secret", "apiKey"}
    assert body["id"] == created["id"]
    assert body["permissions"] == created["permissions"]
    assert body["secret"] != created["secret"]
    assert (
        await client.post("/api/auth/validateToken", headers=as_key(created["secret"]))
    ).status_code == 401
    assert (await client.post("/api/auth/validateToken", headers=as_key(body["secret"]))).status_code == 200


async def test_a_limited_key_cannot_rotate_a_stronger_one(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    strong = (await client.post("/api/api-keys", json={"permissions": ["all"]}, headers=admin.headers)).json()
    rotator = await create_api_key(client, admin, ["apiKey.rotate"])
    response = await client.post(f"/api/api-keys/{strong['id']}/rotate", headers=as_key(rotator))
    assert response.status_code == 400
    assert response.json() == {"message": "Cannot rotate an API Key with permissions you do not have"}


async def test_another_users_keys_are_invisible_and_untouchable(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    admin_key = (
        await client.post("/api/api-keys", json={"permissions": ["all"]}, headers=admin.headers)
    ).json()

    assert (await client.get("/api/api-keys", headers=user.headers)).json() == []
    attempts = [
        ("GET", f"/api/api-keys/{admin_key['id']}", None),
        ("PUT", f"/api/api-keys/{admin_key['id']}", {"name": "mine now"}),
        ("DELETE", f"/api/api-keys/{admin_key['id']}", None),
        ("POST", f"/api/api-keys/{admin_key['id']}/rotate", None),
    ]
    for method, path, body in attempts:
        response = await client.request(method, path, json=body, headers=user.headers)
        assert response.status_code == 400, f"{method} {path}"
        assert response.json() == {"message": "API Key not found"}
    assert (
        await client.post("/api/auth/validateToken", headers=as_key(admin_key["secret"]))
    ).status_code == 200
    still = await client.get(f"/api/api-keys/{admin_key['id']}", headers=admin.headers)
    assert still.json()["name"] == "API Key"


@pytest.mark.parametrize(
    "body",
    [{"permissions": []}, {"permissions": ["not.a.permission"]}, {"name": "no permissions"}],
)
async def test_create_validates_permissions(client: httpx.AsyncClient, body: dict[str, object]) -> None:
    admin = await sign_up_admin(client)
    response = await client.post("/api/api-keys", json=body, headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["message"] == "Validation failed"


async def test_a_malformed_key_id_is_a_validation_error(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.get("/api/api-keys/not-a-uuid", headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["message"] == "Validation failed"
