from __future__ import annotations

import httpx

from tests.dto_shapes import assert_shape
from tests.helpers import create_api_key, create_user, sign_up_admin


async def test_users_see_their_slice_of_the_config(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    response = await client.get("/api/config", headers=user.headers)
    assert response.status_code == 200
    config = response.json()
    assert_shape(config, "UserConfigDto")
    assert config == (await client.get("/api/config/defaults", headers=user.headers)).json()
    assert config["trash"] == {"enabled": True, "days": 30}
    assert config["user"] == {"deleteDelay": 7}
    assert config["image"] == {
        "thumbnail": {"size": 250},
        "preview": {"size": 1440},
        "fullsize": {"enabled": False},
    }
    assert config["machineLearning"]["facialRecognition"] == {"enabled": True, "minFaces": 3}
    assert config["oauth"] == {"enabled": False, "autoLaunch": False, "buttonText": "Login with OAuth"}
    assert "clientSecret" not in str(config)


async def test_user_config_follows_admin_changes_but_defaults_do_not(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    await client.put("/api/admin/config", json={"trash": {"days": 2}}, headers=admin.headers)
    assert (await client.get("/api/config", headers=user.headers)).json()["trash"]["days"] == 2
    assert (await client.get("/api/config/defaults", headers=user.headers)).json()["trash"]["days"] == 30


async def test_user_config_needs_a_caller_with_user_config_read(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    assert (await client.get("/api/config")).status_code == 401
    assert (await client.get("/api/config/defaults")).status_code == 401
    narrow = await create_api_key(client, admin, ["user.read"])
    forbidden = await client.get("/api/config", headers={"x-api-key": narrow})
    assert forbidden.status_code == 403
    allowed = await create_api_key(client, admin, ["userConfig.read"])
    assert (await client.get("/api/config", headers={"x-api-key": allowed})).status_code == 200
