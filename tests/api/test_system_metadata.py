from __future__ import annotations

import httpx

from tests.dto_shapes import assert_shape
from tests.helpers import create_user, sign_up_admin


async def test_admin_onboarding_round_trip(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    before = await client.get("/api/system-metadata/admin-onboarding", headers=admin.headers)
    assert (before.status_code, before.json()) == (200, {"isOnboarded": False})
    assert_shape(before.json(), "AdminOnboardingUpdateDto")

    done = await client.post(
        "/api/system-metadata/admin-onboarding", json={"isOnboarded": True}, headers=admin.headers
    )
    assert done.status_code == 204
    after = await client.get("/api/system-metadata/admin-onboarding", headers=admin.headers)
    assert after.json() == {"isOnboarded": True}
    assert (await client.get("/api/server/config")).json()["isOnboarded"] is True


async def test_onboarding_body_is_validated(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.post("/api/system-metadata/admin-onboarding", json={}, headers=admin.headers)
    assert (response.status_code, response.json()["message"]) == (400, "Validation failed")


async def test_states_are_null_until_something_happens(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    geocoding = await client.get("/api/system-metadata/reverse-geocoding-state", headers=admin.headers)
    assert (geocoding.status_code, geocoding.json()) == (
        200,
        {"lastUpdate": None, "lastImportFileName": None},
    )
    assert_shape(geocoding.json(), "ReverseGeocodingStateResponseDto")
    version = await client.get("/api/system-metadata/version-check-state", headers=admin.headers)
    assert (version.status_code, version.json()) == (200, {"checkedAt": None, "releaseVersion": None})
    assert_shape(version.json(), "VersionCheckStateResponseDto")


async def test_system_metadata_is_for_admins(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    for path in (
        "/api/system-metadata/admin-onboarding",
        "/api/system-metadata/reverse-geocoding-state",
        "/api/system-metadata/version-check-state",
    ):
        assert (await client.get(path)).status_code == 401
        assert (await client.get(path, headers=user.headers)).status_code == 403
    post = await client.post(
        "/api/system-metadata/admin-onboarding", json={"isOnboarded": True}, headers=user.headers
    )
    assert post.status_code == 403
