"""Steps many tests share, done through the public API as a client would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

ADMIN_EMAIL = "admin@albumen.test"
ADMIN_PASSWORD = "admin-password"


@dataclass
class LoggedIn:
    user_id: str
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def sign_up_admin(client: httpx.AsyncClient) -> LoggedIn:
    response = await client.post(
        "/api/auth/admin-sign-up", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "name": "Admin"}
    )
    assert response.status_code == 201, response.text
    return await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)


async def login(client: httpx.AsyncClient, email: str, password: str, **headers: str) -> LoggedIn:
    response = await client.post(
        "/api/auth/login", json={"email": email, "password": password}, headers=headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    client.cookies.clear()  # tests pass credentials explicitly
    return LoggedIn(user_id=body["userId"], email=email, password=password, token=body["accessToken"])


async def create_user(
    client: httpx.AsyncClient, admin: LoggedIn, email: str, password: str = "user-password", **fields: Any
) -> LoggedIn:
    """Create a user as the admin and log in as them (``shouldChangePassword`` off unless given)."""
    body = {"email": email, "password": password, "name": email.split("@")[0], "shouldChangePassword": False}
    body.update(fields)
    response = await client.post("/api/admin/users", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    return await login(client, email, password)


async def create_api_key(
    client: httpx.AsyncClient, owner: LoggedIn, permissions: list[str] | None = None, name: str = "test key"
) -> str:
    response = await client.post(
        "/api/api-keys", json={"name": name, "permissions": permissions or ["all"]}, headers=owner.headers
    )
    assert response.status_code == 201, response.text
    secret: str = response.json()["secret"]
    return secret
