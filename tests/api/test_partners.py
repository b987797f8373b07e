"""``/api/partners``: share a whole library with another user, who may put it in their timeline."""

from __future__ import annotations

import uuid

import httpx

from albumen.db.engine import Database
from tests.api.test_sync import seed_assets
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin


async def partners(client: httpx.AsyncClient, user: LoggedIn, direction: str) -> list[dict[str, object]]:
    response = await client.get("/api/partners", params={"direction": direction}, headers=user.headers)
    assert response.status_code == 200, response.text
    body: list[dict[str, object]] = response.json()
    assert_shape(body, "PartnerResponseDto[]")
    return body


async def test_share_list_update_and_stop(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    friend = await create_user(client, admin, "friend@albumen.test")

    response = await client.post(
        "/api/partners", json={"sharedWithId": friend.user_id}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert_shape(created, "PartnerResponseDto")
    assert (created["id"], created["email"], created["inTimeline"]) == (friend.user_id, friend.email, False)

    assert [p["id"] for p in await partners(client, admin, "shared-by")] == [friend.user_id]
    assert await partners(client, admin, "shared-with") == []
    assert [p["id"] for p in await partners(client, friend, "shared-with")] == [admin.user_id]

    # Only the one shared with decides whether the library shows in their timeline.
    response = await client.put(
        f"/api/partners/{admin.user_id}", json={"inTimeline": True}, headers=friend.headers
    )
    assert response.status_code == 200, response.text
    assert_shape(response.json(), "PartnerResponseDto")
    assert (response.json()["id"], response.json()["inTimeline"]) == (admin.user_id, True)
    response = await client.put(
        f"/api/partners/{friend.user_id}", json={"inTimeline": True}, headers=admin.headers
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Not found or no partner.update access"

    response = await client.delete(f"/api/partners/{friend.user_id}", headers=admin.headers)
    assert response.status_code == 204
    assert await partners(client, friend, "shared-with") == []
    response = await client.delete(f"/api/partners/{friend.user_id}", headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["message"] == "Partner not found"

    # The deprecated form takes the user id from the path.
    response = await client.post(f"/api/partners/{friend.user_id}", headers=admin.headers)
    assert response.status_code == 201, response.text
    assert response.json()["id"] == friend.user_id


async def test_refused_shares(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    friend = await create_user(client, admin, "friend@albumen.test")
    cases = [
        (admin.user_id, "Cannot create a partner with yourself"),
        (str(uuid.uuid4()), "Invalid user"),
    ]
    for user_id, message in cases:
        response = await client.post("/api/partners", json={"sharedWithId": user_id}, headers=admin.headers)
        assert (response.status_code, response.json()["message"]) == (400, message)
    await client.post("/api/partners", json={"sharedWithId": friend.user_id}, headers=admin.headers)
    response = await client.post(
        "/api/partners", json={"sharedWithId": friend.user_id}, headers=admin.headers
    )
    assert (response.status_code, response.json()["message"]) == (400, "Partner already exists")

    response = await client.get("/api/partners", headers=admin.headers)
    assert response.status_code == 400
    response = await client.get("/api/partners", params={"direction": "sideways"}, headers=admin.headers)
    assert response.status_code == 400


async def test_partner_sees_the_library_and_timeline_follows_in_timeline(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    friend = await create_user(client, admin, "friend@albumen.test")
    stranger = await create_user(client, admin, "stranger@albumen.test")
    (photo,) = await seed_assets(database, admin.user_id, 1)
    await client.post("/api/partners", json={"sharedWithId": friend.user_id}, headers=admin.headers)

    assert (await client.get(f"/api/assets/{photo}", headers=friend.headers)).status_code == 200
    assert (await client.get(f"/api/assets/{photo}", headers=stranger.headers)).status_code == 400

    async def with_partners_count() -> int:
        response = await client.get(
            "/api/timeline/buckets",
            params={"withPartners": "true", "visibility": "timeline"},
            headers=friend.headers,
        )
        assert response.status_code == 200, response.text
        return sum(item["count"] for item in response.json())

    assert await with_partners_count() == 0
    await client.put(f"/api/partners/{admin.user_id}", json={"inTimeline": True}, headers=friend.headers)
    assert await with_partners_count() == 1
