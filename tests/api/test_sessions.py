"""``Sessions``: listing the caller's devices, child sessions, revoking and locking, and who sees what."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from albumen.db.engine import Database
from albumen.db.repositories.sessions import SessionRepository
from tests.helpers import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LoggedIn,
    create_api_key,
    create_user,
    login,
    sign_up_admin,
)

CHROME_ON_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)
SESSION_FIELDS = {
    "id",
    "createdAt",
    "updatedAt",
    "current",
    "deviceType",
    "deviceOS",
    "appVersion",
    "isPendingSyncReset",
}


async def list_sessions(client: httpx.AsyncClient, who: LoggedIn) -> list[dict[str, object]]:
    response = await client.get("/api/sessions", headers=who.headers)
    assert response.status_code == 200
    sessions: list[dict[str, object]] = response.json()
    return sessions


async def session_id_of(client: httpx.AsyncClient, who: LoggedIn) -> str:
    return str(next(item["id"] for item in await list_sessions(client, who) if item["current"]))


async def is_valid(client: httpx.AsyncClient, headers: dict[str, str]) -> bool:
    return (await client.post("/api/auth/validateToken", headers=headers)).status_code == 200


async def test_sessions_list_the_callers_devices(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    await login(client, ADMIN_EMAIL, ADMIN_PASSWORD, **{"User-Agent": CHROME_ON_LINUX})
    phone = await login(
        client,
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
        **{"User-Agent": "immich-android/3.1.0", "deviceModel": "Pixel 8", "deviceType": "Android"},
    )

    sessions = await list_sessions(client, phone)
    assert len(sessions) == 3
    assert all(set(item) == SESSION_FIELDS for item in sessions), "expiresAt is left out when never"
    assert [item["current"] for item in sessions].count(True) == 1
    current = next(item for item in sessions if item["current"])
    assert current["deviceType"] == "Pixel 8"
    assert current["deviceOS"] == "Android"
    assert current["appVersion"] == "3.1.0"
    assert current["isPendingSyncReset"] is False
    browser = next(item for item in sessions if item["deviceType"] == "Chrome")
    assert browser["deviceOS"] == "Linux"
    assert browser["appVersion"] is None
    assert {item["id"] for item in await list_sessions(client, admin)} == {item["id"] for item in sessions}


async def test_a_child_session_gets_its_own_token(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.post(
        "/api/sessions",
        json={"deviceType": "Chromecast", "deviceOS": "Cast", "duration": 3600},
        headers=admin.headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == SESSION_FIELDS | {"expiresAt", "token"}
    assert body["current"] is False
    assert (body["deviceType"], body["deviceOS"], body["appVersion"]) == ("Chromecast", "Cast", None)
    expires_at = datetime.fromisoformat(body["expiresAt"].replace("Z", "+00:00"))
    assert timedelta(minutes=59) < expires_at - datetime.now(UTC) <= timedelta(hours=1)
    assert await is_valid(client, {"Authorization": f"Bearer {body['token']}"})

    # The child goes when its parent logs out.
    await client.post("/api/auth/logout", headers=admin.headers)
    assert not await is_valid(client, {"Authorization": f"Bearer {body['token']}"})


async def test_creating_a_session_needs_a_session(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    secret = await create_api_key(client, admin)
    response = await client.post("/api/sessions", json={}, headers={"x-api-key": secret})
    assert response.status_code == 400
    assert response.json() == {"message": "This endpoint can only be used with a session token"}


async def test_expired_sessions_are_neither_listed_nor_accepted(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    created = await client.post("/api/sessions", json={"duration": 3600}, headers=admin.headers)
    child = created.json()
    async with database.session() as db:
        await SessionRepository(db).update(
            uuid.UUID(child["id"]), expires_at=datetime.now(UTC) - timedelta(seconds=1)
        )
        await db.commit()
    assert child["id"] not in {item["id"] for item in await list_sessions(client, admin)}
    assert not await is_valid(client, {"Authorization": f"Bearer {child['token']}"})


async def test_update_session_flags_a_sync_reset(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    session_id = await session_id_of(client, admin)
    response = await client.put(
        f"/api/sessions/{session_id}", json={"isPendingSyncReset": True}, headers=admin.headers
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == session_id
    assert body["isPendingSyncReset"] is True
    assert body["current"] is True


async def test_deleting_a_session_logs_that_device_out(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    phone = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    response = await client.delete(
        f"/api/sessions/{await session_id_of(client, phone)}", headers=admin.headers
    )
    assert response.status_code == 204
    assert not await is_valid(client, phone.headers)
    assert await is_valid(client, admin.headers)


async def test_deleting_all_sessions_keeps_the_current_one(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    phone = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    tablet = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    response = await client.delete("/api/sessions", headers=admin.headers)
    assert response.status_code == 204
    assert not await is_valid(client, phone.headers)
    assert not await is_valid(client, tablet.headers)
    assert [item["current"] for item in await list_sessions(client, admin)] == [True]


async def test_locking_a_session_closes_its_locked_folder(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    phone = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    await client.post("/api/auth/pin-code", json={"pinCode": "123456"}, headers=admin.headers)
    await client.post("/api/auth/session/unlock", json={"pinCode": "123456"}, headers=phone.headers)
    assert (await client.get("/api/auth/status", headers=phone.headers)).json()["isElevated"] is True

    response = await client.post(
        f"/api/sessions/{await session_id_of(client, phone)}/lock", headers=admin.headers
    )
    assert response.status_code == 204
    assert (await client.get("/api/auth/status", headers=phone.headers)).json()["isElevated"] is False


async def test_another_users_sessions_are_invisible_and_untouchable(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    admin_session = await session_id_of(client, admin)

    assert admin_session not in {item["id"] for item in await list_sessions(client, user)}
    attempts = [
        ("PUT", f"/api/sessions/{admin_session}", {"isPendingSyncReset": True}, "session.update"),
        ("DELETE", f"/api/sessions/{admin_session}", None, "session.delete"),
        ("POST", f"/api/sessions/{admin_session}/lock", None, "session.lock"),
    ]
    for method, path, body, permission in attempts:
        response = await client.request(method, path, json=body, headers=user.headers)
        assert response.status_code == 400, f"{method} {path}"
        assert response.json() == {"message": f"Not found or no {permission} access"}

    missing = await client.delete(f"/api/sessions/{uuid.uuid4()}", headers=user.headers)
    assert missing.status_code == 400
    assert missing.json() == {"message": "Not found or no session.delete access"}

    await client.delete("/api/sessions", headers=user.headers)
    assert await is_valid(client, admin.headers)
    admin_view = await list_sessions(client, admin)
    assert next(item for item in admin_view if item["id"] == admin_session)["isPendingSyncReset"] is False


async def test_session_routes_check_api_key_permissions(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    secret = await create_api_key(client, admin, ["session.read"])
    assert (await client.get("/api/sessions", headers={"x-api-key": secret})).status_code == 200
    refused = await client.delete("/api/sessions", headers={"x-api-key": secret})
    assert refused.status_code == 403
    assert refused.json() == {"message": "Missing required permission: session.delete"}


async def test_a_malformed_session_id_is_a_validation_error(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.delete("/api/sessions/not-a-uuid", headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["message"] == "Validation failed"
