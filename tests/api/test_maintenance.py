"""Maintenance mode: who may still use the API while it is on, and how one gets in and out."""

from __future__ import annotations

import httpx

from albumen.services.maintenance import COOKIE
from tests.helpers import LoggedIn, create_user, sign_up_admin

MESSAGE = {"message": "Server is in maintenance mode"}


async def start(client: httpx.AsyncClient, admin: LoggedIn) -> str:
    response = await client.post("/api/admin/maintenance", json={"action": "start"}, headers=admin.headers)
    assert response.status_code == 201, response.text
    token = response.cookies[COOKIE]
    client.cookies.clear()
    return token


async def test_status_when_off(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/admin/maintenance/status")
    assert (response.status_code, response.json()) == (200, {"active": False, "action": "end"})


async def test_while_on_only_admins_use_the_api(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    await start(client, admin)

    config = await client.get("/api/server/config")
    assert config.status_code == 200 and config.json()["maintenanceMode"] is True
    for response in (
        await client.get("/api/users/me", headers=user.headers),
        await client.get("/api/users/me"),
        await client.get("/api/albums", headers=user.headers),
    ):
        assert (response.status_code, response.json()) == (503, MESSAGE)
        assert response.headers["x-correlation-id"]
    assert (await client.get("/api/users/me", headers=admin.headers)).status_code == 200
    assert (await client.get("/api/server/ping")).status_code == 200
    status = await client.get("/api/admin/maintenance/status")
    assert status.json() == {"active": True, "action": "start"}


async def test_ending_maintenance_lets_everyone_back(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    await start(client, admin)
    response = await client.post("/api/admin/maintenance", json={"action": "end"}, headers=admin.headers)
    assert response.status_code == 201
    assert COOKIE not in response.cookies
    assert (await client.get("/api/users/me", headers=user.headers)).status_code == 200
    assert (await client.get("/api/server/config")).json()["maintenanceMode"] is False
    assert (await client.get("/api/admin/maintenance/status")).json() == {"active": False, "action": "end"}


async def test_the_maintenance_token_logs_in_and_acts_as_admin(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    token = await start(client, admin)

    response = await client.post("/api/admin/maintenance/login", json={"token": token})
    assert (response.status_code, response.json()) == (201, {"username": "Admin"})
    assert response.cookies[COOKIE] == token
    # The cookie now admits its holder to the admin's maintenance pages.
    assert (await client.get("/api/admin/database-backups")).status_code == 200
    assert (await client.get("/api/admin/maintenance/detect-install")).status_code == 200
    client.cookies.clear()
    assert (await client.get("/api/admin/database-backups")).status_code == 503

    bad = await client.post("/api/admin/maintenance/login", json={"token": token[:-4] + "AAAA"})
    assert (bad.status_code, bad.json()) == (401, {"message": "Invalid JWT Token"})
    missing = await client.post("/api/admin/maintenance/login", json={})
    assert (missing.status_code, missing.json()) == (401, {"message": "Missing JWT Token"})


async def test_login_outside_maintenance_mode(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/admin/maintenance/login", json={"token": "anything"})
    assert (response.status_code, response.json()) == (400, {"message": "Not in maintenance mode"})


async def test_only_admins_switch_maintenance_mode(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    response = await client.post("/api/admin/maintenance", json={"action": "start"}, headers=user.headers)
    assert (response.status_code, response.json()) == (403, {"message": "Forbidden"})
    assert (await client.post("/api/admin/maintenance", json={"action": "start"})).status_code == 401
    invalid = await client.post("/api/admin/maintenance", json={"action": "nap"}, headers=admin.headers)
    assert invalid.status_code == 400


async def test_detect_install_lists_the_storage_folders(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.get("/api/admin/maintenance/detect-install", headers=admin.headers)
    assert response.status_code == 200
    folders = {entry["folder"]: entry for entry in response.json()["storage"]}
    assert set(folders) == {"encoded-video", "library", "upload", "profile", "thumbs", "backups"}
    assert all(set(entry) == {"folder", "readable", "writable", "files"} for entry in folders.values())
