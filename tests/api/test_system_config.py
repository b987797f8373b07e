"""The pre-3.2 ``/system-config`` endpoints serve the same config as ``/admin/config``."""

from __future__ import annotations

import httpx

from tests.dto_shapes import assert_shape
from tests.helpers import create_api_key, create_user, sign_up_admin


async def test_legacy_endpoints_share_the_admin_config(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    legacy = await client.get("/api/system-config", headers=admin.headers)
    assert legacy.status_code == 200
    assert_shape(legacy.json(), "AdminConfigDto")
    assert legacy.json() == (await client.get("/api/admin/config", headers=admin.headers)).json()
    defaults = await client.get("/api/system-config/defaults", headers=admin.headers)
    assert defaults.json() == legacy.json()

    updated = await client.put(
        "/api/system-config", json={"user": {"deleteDelay": 14}}, headers=admin.headers
    )
    assert (updated.status_code, updated.json()["user"]) == (200, {"deleteDelay": 14})
    assert (await client.get("/api/admin/config", headers=admin.headers)).json()["user"]["deleteDelay"] == 14


async def test_storage_template_options(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.get("/api/system-config/storage-template-options", headers=admin.headers)
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "SystemConfigTemplateStorageOptionDto")
    assert body["yearOptions"] == ["y", "yy"]
    assert body["monthOptions"] == ["M", "MM", "MMM", "MMMM"]
    assert body["secondOptions"] == ["s", "ss", "SSS"]
    assert body["presetOptions"][0] == "{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}"
    assert "{{album}}/{{filename}}" in body["presetOptions"]


async def test_legacy_endpoints_need_the_legacy_permission(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    assert (await client.get("/api/system-config", headers=user.headers)).status_code == 403
    assert (await client.get("/api/system-config")).status_code == 401
    new_key = await create_api_key(client, admin, ["adminConfig.read"])
    assert (await client.get("/api/admin/config", headers={"x-api-key": new_key})).status_code == 200
    assert (await client.get("/api/system-config", headers={"x-api-key": new_key})).status_code == 403
    legacy_key = await create_api_key(client, admin, ["systemConfig.read"])
    assert (await client.get("/api/system-config", headers={"x-api-key": legacy_key})).status_code == 200
