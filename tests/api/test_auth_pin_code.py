"""``Authentication``: the PIN code and the locked folder it opens on a session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.helpers import ADMIN_EMAIL, ADMIN_PASSWORD, LoggedIn, create_api_key, login, sign_up_admin


async def auth_status(client: httpx.AsyncClient, who: LoggedIn) -> dict[str, object]:
    response = await client.get("/api/auth/status", headers=who.headers)
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


async def test_pin_code_and_locked_folder_flow(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    assert await auth_status(client, admin) == {"pinCode": False, "password": True, "isElevated": False}

    no_pin = await client.post("/api/auth/session/unlock", json={"pinCode": "123456"}, headers=admin.headers)
    assert no_pin.status_code == 400
    assert no_pin.json() == {"message": "User does not have a PIN code"}

    bad_format = await client.post("/api/auth/pin-code", json={"pinCode": "12ab"}, headers=admin.headers)
    assert bad_format.status_code == 400
    assert bad_format.json()["message"] == "Validation failed"

    setup = await client.post("/api/auth/pin-code", json={"pinCode": "123456"}, headers=admin.headers)
    assert setup.status_code == 204
    again = await client.post("/api/auth/pin-code", json={"pinCode": "654321"}, headers=admin.headers)
    assert again.status_code == 400
    assert again.json() == {"message": "User already has a PIN code"}

    wrong = await client.post("/api/auth/session/unlock", json={"pinCode": "000000"}, headers=admin.headers)
    assert wrong.status_code == 400
    assert wrong.json() == {"message": "Wrong PIN code"}
    neither = await client.post("/api/auth/session/unlock", json={}, headers=admin.headers)
    assert neither.status_code == 400
    assert neither.json() == {"message": "Either password or pinCode is required"}

    before = datetime.now(UTC)
    unlock = await client.post("/api/auth/session/unlock", json={"pinCode": "123456"}, headers=admin.headers)
    assert unlock.status_code == 204
    status = await auth_status(client, admin)
    assert status["pinCode"] is True
    assert status["isElevated"] is True
    pin_expires_at = datetime.fromisoformat(str(status["pinExpiresAt"]).replace("Z", "+00:00"))
    assert before + timedelta(minutes=14) < pin_expires_at <= datetime.now(UTC) + timedelta(minutes=15)

    other_device = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert (await auth_status(client, other_device))["isElevated"] is False

    lock = await client.post("/api/auth/session/lock", headers=admin.headers)
    assert lock.status_code == 204
    assert await auth_status(client, admin) == {"pinCode": True, "password": True, "isElevated": False}

    by_password = await client.post(
        "/api/auth/session/unlock", json={"password": ADMIN_PASSWORD}, headers=admin.headers
    )
    assert by_password.status_code == 204

    change = await client.put(
        "/api/auth/pin-code", json={"pinCode": "123456", "newPinCode": "222222"}, headers=admin.headers
    )
    assert change.status_code == 204
    old_pin = await client.post("/api/auth/session/unlock", json={"pinCode": "123456"}, headers=admin.headers)
    assert old_pin.status_code == 400

    wrong_password = await client.request(
        "DELETE", "/api/auth/pin-code", json={"password": "nope"}, headers=admin.headers
    )
    assert wrong_password.status_code == 400
    assert wrong_password.json() == {"message": "Wrong password"}
    reset = await client.request(
        "DELETE", "/api/auth/pin-code", json={"pinCode": "222222"}, headers=admin.headers
    )
    assert reset.status_code == 204
    # Removing the PIN closes the locked folder everywhere.
    assert await auth_status(client, admin) == {"pinCode": False, "password": True, "isElevated": False}


async def test_locking_needs_a_session_not_an_api_key(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    secret = await create_api_key(client, admin)
    for path in ("/api/auth/session/lock", "/api/auth/session/unlock"):
        response = await client.post(path, json={"pinCode": "123456"}, headers={"x-api-key": secret})
        assert response.status_code == 400
        assert response.json() == {"message": "This endpoint can only be used with a session token"}
    status = await client.get("/api/auth/status", headers={"x-api-key": secret})
    assert status.json() == {"pinCode": False, "password": True, "isElevated": False}
