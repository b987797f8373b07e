from __future__ import annotations

import httpx

from tests.dto_shapes import assert_shape
from tests.helpers import sign_up_admin

DEFAULT_PUBLIC_CONFIG = {
    "oauth": {"enabled": False, "autoLaunch": False, "buttonText": "Login with OAuth"},
    "passwordLogin": {"enabled": True},
    "server": {"loginPageMessage": ""},
    "theme": {"customCss": ""},
}


async def test_public_config_needs_no_auth(client: httpx.AsyncClient) -> None:
    for path in ("/api/public/config", "/api/public/config/defaults"):
        response = await client.get(path)
        assert response.status_code == 200
        assert_shape(response.json(), "PublicConfigDto")
        assert response.json() == DEFAULT_PUBLIC_CONFIG


async def test_public_config_shows_what_the_login_page_needs(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    changes = {"server": {"loginPageMessage": "Family photos"}, "theme": {"customCss": "body {}"}}
    assert (await client.put("/api/admin/config", json=changes, headers=admin.headers)).status_code == 200
    body = (await client.get("/api/public/config")).json()
    assert body["server"] == {"loginPageMessage": "Family photos"}
    assert body["theme"] == {"customCss": "body {}"}
    assert (await client.get("/api/public/config/defaults")).json() == DEFAULT_PUBLIC_CONFIG
