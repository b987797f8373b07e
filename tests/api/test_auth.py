"""``Authentication``: admin sign-up, login cookies, every credential carrier, logout, password, PIN code."""

from __future__ import annotations

import httpx
import pytest

from albumen.db.engine import Database
from albumen.db.repositories.users import UserRepository
from tests.dto_shapes import assert_shape
from tests.helpers import ADMIN_EMAIL, ADMIN_PASSWORD, create_api_key, login, sign_up_admin

COOKIE_MAX_AGE = str(400 * 24 * 60 * 60)


def parse_set_cookies(response: httpx.Response) -> dict[str, dict[str, str]]:
    """``{name: {"value": ..., attribute-lowercased: value-or-""}}`` from every Set-Cookie header."""
    cookies: dict[str, dict[str, str]] = {}
    for header in response.headers.get_list("set-cookie"):
        first, *attributes = [part.strip() for part in header.split(";")]
        name, _, value = first.partition("=")
        parsed = {"value": value.strip('"')}
        for attribute in attributes:
            key, _, attribute_value = attribute.partition("=")
            parsed[key.lower()] = attribute_value
        cookies[name] = parsed
    return cookies


async def test_admin_sign_up_creates_the_admin_once(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/admin-sign-up",
        json={"email": " Admin@Albumen.TEST ", "password": ADMIN_PASSWORD, "name": "Admin"},
    )
    assert response.status_code == 201
    body = response.json()
    assert_shape(body, "UserAdminResponseDto")
    assert body["email"] == ADMIN_EMAIL
    assert body["isAdmin"] is True
    assert body["storageLabel"] == "admin"
    assert body["shouldChangePassword"] is False
    assert body["oauthId"] == ""
    assert "password" not in body

    again = await client.post(
        "/api/auth/admin-sign-up", json={"email": "other@albumen.test", "password": "x", "name": "Other"}
    )
    assert again.status_code == 400
    assert again.json() == {"message": "The server already has an admin"}


@pytest.mark.parametrize(
    "body",
    [
        {"password": "p", "name": "n"},
        {"email": "a@b.c", "name": "n"},
        {"email": "a@b.c", "password": "p"},
        {"email": "not-an-email", "password": "p", "name": "n"},
    ],
)
async def test_admin_sign_up_validates_its_body(client: httpx.AsyncClient, body: dict[str, str]) -> None:
    response = await client.post("/api/auth/admin-sign-up", json=body)
    assert response.status_code == 400
    assert response.json()["message"] == "Validation failed"


async def test_admin_sign_up_accepts_a_local_domain(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/admin-sign-up", json={"email": "admin@nas", "password": "p", "name": "n"}
    )
    assert response.status_code == 201


async def test_login_answers_the_login_response(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "accessToken": body["accessToken"],
        "userId": admin.user_id,
        "userEmail": ADMIN_EMAIL,
        "name": "Admin",
        "isAdmin": True,
        "isOnboarded": False,
        "profileImagePath": "",
        "shouldChangePassword": False,
    }
    assert len(body["accessToken"]) == 43 and body["accessToken"].isalnum()


async def test_login_sets_the_three_immich_cookies(client: httpx.AsyncClient) -> None:
    await sign_up_admin(client)
    response = await client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    client.cookies.clear()
    cookies = parse_set_cookies(response)
    assert set(cookies) == {"immich_access_token", "immich_auth_type", "immich_is_authenticated"}
    assert cookies["immich_access_token"]["value"] == response.json()["accessToken"]
    assert cookies["immich_auth_type"]["value"] == "password"
    assert cookies["immich_is_authenticated"]["value"] == "true"
    for name, attributes in cookies.items():
        assert attributes["path"] == "/", name
        assert attributes["samesite"].lower() == "lax", name
        assert attributes["max-age"] == COOKIE_MAX_AGE, name
        assert "expires" in attributes, name
        assert "secure" not in attributes, name
    assert "httponly" in cookies["immich_access_token"]
    assert "httponly" in cookies["immich_auth_type"]
    assert "httponly" not in cookies["immich_is_authenticated"]


async def test_login_over_https_marks_the_cookies_secure(client: httpx.AsyncClient) -> None:
    await sign_up_admin(client)
    response = await client.post(
        "https://albumen.test/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    client.cookies.clear()
    assert all("secure" in attributes for attributes in parse_set_cookies(response).values())


async def test_login_email_is_case_insensitive(client: httpx.AsyncClient) -> None:
    await sign_up_admin(client)
    await login(client, ADMIN_EMAIL.upper(), ADMIN_PASSWORD)


@pytest.mark.parametrize("email", [ADMIN_EMAIL, "nobody@albumen.test"])
async def test_wrong_credentials_get_the_same_401(client: httpx.AsyncClient, email: str) -> None:
    await sign_up_admin(client)
    response = await client.post("/api/auth/login", json={"email": email, "password": "wrong"})
    assert response.status_code == 401
    assert response.json() == {"message": "Incorrect email or password"}
    assert "set-cookie" not in response.headers


async def test_the_cookie_alone_authenticates(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.post(
        "/api/auth/validateToken", headers={"Cookie": f"immich_access_token={admin.token}"}
    )
    assert response.status_code == 200
    assert response.json() == {"authStatus": True}


async def test_a_client_keeping_its_cookie_jar_stays_logged_in(client: httpx.AsyncClient) -> None:
    """What the 3.x mobile app does: log in, then send nothing but the cookies it was given."""
    await sign_up_admin(client)
    await client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    response = await client.get("/api/auth/status")
    assert response.status_code == 200
    client.cookies.clear()


@pytest.mark.parametrize(
    "carrier",
    ["bearer", "x-immich-user-token", "x-immich-session-token", "sessionKey", "x-api-key", "apiKey"],
)
async def test_every_immich_credential_carrier_works(client: httpx.AsyncClient, carrier: str) -> None:
    admin = await sign_up_admin(client)
    secret = await create_api_key(client, admin)
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    match carrier:
        case "bearer":
            headers["Authorization"] = f"Bearer {admin.token}"
        case "x-immich-user-token" | "x-immich-session-token":
            headers[carrier] = admin.token
        case "sessionKey":
            params[carrier] = admin.token
        case "x-api-key":
            headers[carrier] = secret
        case "apiKey":
            params[carrier] = secret
    response = await client.post("/api/auth/validateToken", headers=headers, params=params)
    assert response.status_code == 200, response.text
    assert response.json() == {"authStatus": True}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Authentication required"),
        ({"Authorization": "Bearer not-a-token"}, "Invalid user token"),
        ({"Cookie": "immich_access_token=not-a-token"}, "Invalid user token"),
        ({"x-api-key": "not-a-key"}, "Invalid API key"),
    ],
)
async def test_bad_credentials_get_401_in_immich_shape(
    client: httpx.AsyncClient, headers: dict[str, str], message: str
) -> None:
    await sign_up_admin(client)
    response = await client.post("/api/auth/validateToken", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"message": message}


async def test_logout_ends_the_session_and_clears_the_cookies(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.post("/api/auth/logout", headers=admin.headers)
    assert response.status_code == 200
    assert response.json() == {"successful": True, "redirectUri": "/auth/login?autoLaunch=0"}
    cleared = parse_set_cookies(response)
    assert set(cleared) == {"immich_access_token", "immich_auth_type", "immich_is_authenticated"}
    assert all(attributes["max-age"] == "0" and attributes["value"] == "" for attributes in cleared.values())

    again = await client.post("/api/auth/validateToken", headers=admin.headers)
    assert again.status_code == 401
    assert again.json() == {"message": "Invalid user token"}


async def test_change_password_needs_the_current_one(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    wrong = await client.post(
        "/api/auth/change-password",
        json={"password": "not-it", "newPassword": "new-password"},
        headers=admin.headers,
    )
    assert wrong.status_code == 400
    assert wrong.json() == {"message": "Wrong password"}

    short = await client.post(
        "/api/auth/change-password",
        json={"password": ADMIN_PASSWORD, "newPassword": "short"},
        headers=admin.headers,
    )
    assert short.status_code == 400
    assert short.json()["message"] == "Validation failed"

    changed = await client.post(
        "/api/auth/change-password",
        json={"password": ADMIN_PASSWORD, "newPassword": "new-password"},
        headers=admin.headers,
    )
    assert changed.status_code == 200
    assert_shape(changed.json(), "UserAdminResponseDto")
    assert changed.json()["id"] == admin.user_id

    old = await client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert old.status_code == 401
    await login(client, ADMIN_EMAIL, "new-password")
    # Without invalidateSessions the other sessions survive.
    assert (await client.post("/api/auth/validateToken", headers=admin.headers)).status_code == 200


async def test_change_password_can_log_out_every_other_device(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    phone = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    response = await client.post(
        "/api/auth/change-password",
        json={"password": ADMIN_PASSWORD, "newPassword": "new-password", "invalidateSessions": True},
        headers=admin.headers,
    )
    assert response.status_code == 200
    assert (await client.post("/api/auth/validateToken", headers=phone.headers)).status_code == 401
    assert (await client.post("/api/auth/validateToken", headers=admin.headers)).status_code == 200


async def test_login_rate_limit_blocks_the_eleventh_try_even_with_the_right_password(
    client: httpx.AsyncClient,
) -> None:
    await sign_up_admin(client)
    for _ in range(10):
        response = await client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": "guess"})
        assert response.status_code == 401
    blocked = await client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json() == {"message": "Too many failed login attempts, try again later"}
    assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60
    assert "set-cookie" not in blocked.headers
    # Another account from the same address is not affected by this account's lock.
    other = await client.post("/api/auth/login", json={"email": "x@albumen.test", "password": "guess"})
    assert other.status_code == 401


async def test_a_successful_login_resets_the_account_counter(client: httpx.AsyncClient) -> None:
    await sign_up_admin(client)
    for _ in range(9):
        await client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": "guess"})
    await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    for _ in range(9):
        response = await client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": "guess"})
        assert response.status_code == 401
    await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)


async def test_unlink_all_clears_every_oauth_link(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    async with database.session() as db:
        users = UserRepository(db)
        user = await users.get_by_email(ADMIN_EMAIL)
        assert user is not None
        await users.update(user.id, oauth_id="oidc-subject")
        await db.commit()

    limited = await create_api_key(client, admin, ["user.read"])
    refused = await client.post("/api/admin/auth/unlink-all", headers={"x-api-key": limited})
    assert refused.status_code == 403
    assert refused.json() == {"message": "Missing required permission: adminAuth.unlinkAll"}

    response = await client.post("/api/admin/auth/unlink-all", headers=admin.headers)
    assert response.status_code == 204
    async with database.session() as db:
        user = await UserRepository(db).get_by_email(ADMIN_EMAIL)
        assert user is not None
        assert user.oauth_id == ""


async def test_password_login_can_be_switched_off(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.put(
        "/api/admin/config", json={"passwordLogin": {"enabled": False}}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    refused = await client.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert refused.status_code == 401
    assert refused.json() == {"message": "Password login has been disabled"}
