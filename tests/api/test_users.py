"""``/api/users``: the caller's own account, other users' profiles, avatars, license and onboarding."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.services import system_config
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_api_key, create_user, login, sign_up_admin

USER_FIELDS = {"id", "email", "name", "profileImagePath", "avatarColor", "profileChangedAt"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(40)
VALID_LICENSE = {"licenseKey": "IMCL" + "-ABCD" * 8, "activationKey": "activation-key"}


@pytest.fixture
async def admin(client: httpx.AsyncClient) -> LoggedIn:
    return await sign_up_admin(client)


@pytest.fixture
async def user(client: httpx.AsyncClient, admin: LoggedIn) -> LoggedIn:
    return await create_user(client, admin, "user@albumen.test")


async def test_get_me_returns_the_admin_view_of_the_caller(client: httpx.AsyncClient, user: LoggedIn) -> None:
    response = await client.get("/api/users/me", headers=user.headers)

    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "UserAdminResponseDto")
    assert body["id"] == user.user_id
    assert body["email"] == "user@albumen.test"
    assert body["name"] == "user"
    assert body["isAdmin"] is False
    assert body["status"] == "active"
    assert body["deletedAt"] is None
    assert body["license"] is None
    assert body["profileImagePath"] == ""
    assert body["shouldChangePassword"] is False


async def test_me_requires_authentication(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/users/me")
    assert response.status_code == 401


async def test_update_me_changes_name_email_and_avatar_color(
    client: httpx.AsyncClient, user: LoggedIn
) -> None:
    response = await client.put(
        "/api/users/me",
        json={"name": "Renamed", "email": "New.Address@Albumen.test", "avatarColor": "green"},
        headers=user.headers,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["email"], body["avatarColor"]) == (
        "Renamed",
        "new.address@albumen.test",
        "green",
    )
    me = (await client.get("/api/users/me", headers=user.headers)).json()
    assert (me["name"], me["email"], me["avatarColor"]) == ("Renamed", "new.address@albumen.test", "green")


async def test_update_me_password_logs_in_and_clears_should_change_password(
    client: httpx.AsyncClient, admin: LoggedIn
) -> None:
    user = await create_user(client, admin, "fresh@albumen.test", shouldChangePassword=True)
    assert (await client.get("/api/users/me", headers=user.headers)).json()["shouldChangePassword"] is True

    response = await client.put("/api/users/me", json={"password": "brand-new-pass"}, headers=user.headers)

    assert response.status_code == 200
    assert response.json()["shouldChangePassword"] is False
    again = await login(client, "fresh@albumen.test", "brand-new-pass")
    assert again.user_id == user.user_id


async def test_update_me_rejects_an_email_in_use_regardless_of_case(
    client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn
) -> None:
    response = await client.put("/api/users/me", json={"email": "ADMIN@albumen.test"}, headers=user.headers)

    assert response.status_code == 400
    assert response.json() == {"message": "Email already in use by another account"}
    me = (await client.get("/api/users/me", headers=user.headers)).json()
    assert me["email"] == "user@albumen.test"


async def test_update_me_keeps_own_email_and_rejects_malformed_ones(
    client: httpx.AsyncClient, user: LoggedIn
) -> None:
    same = await client.put("/api/users/me", json={"email": "USER@albumen.test"}, headers=user.headers)
    assert same.status_code == 200
    assert same.json()["email"] == "user@albumen.test"

    bad = await client.put("/api/users/me", json={"email": "not-an-email"}, headers=user.headers)
    assert bad.status_code == 400
    assert bad.json()["message"] == "Validation failed"


async def test_update_me_only_touches_the_caller(
    client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn
) -> None:
    before = (await client.get("/api/users/me", headers=admin.headers)).json()

    response = await client.put(
        "/api/users/me", json={"name": "Mallory", "id": admin.user_id}, headers=user.headers
    )

    assert response.status_code == 200
    assert response.json()["id"] == user.user_id
    after = (await client.get("/api/users/me", headers=admin.headers)).json()
    assert after["name"] == before["name"]


async def test_api_key_needs_the_matching_permission(client: httpx.AsyncClient, user: LoggedIn) -> None:
    secret = await create_api_key(client, user, ["user.read"])
    headers = {"x-api-key": secret}

    assert (await client.get("/api/users/me", headers=headers)).status_code == 200
    denied = await client.put("/api/users/me", json={"name": "x"}, headers=headers)
    assert denied.status_code == 403
    assert denied.json() == {"message": "Missing required permission: user.update"}


async def test_preferences_default_to_immichs(client: httpx.AsyncClient, user: LoggedIn) -> None:
    response = await client.get("/api/users/me/preferences", headers=user.headers)

    assert response.status_code == 200
    assert response.json() == {
        "albums": {"defaultAssetOrder": "desc"},
        "cast": {"gCastEnabled": False},
        "download": {"archiveSize": 4294967296, "includeEmbeddedVideos": False},
        "emailNotifications": {"albumInvite": True, "albumUpdate": True, "enabled": True},
        "folders": {"enabled": False, "sidebarWeb": False},
        "memories": {"duration": 5, "enabled": True, "sidebarWeb": False},
        "people": {"enabled": True, "minimumFaces": 3, "sidebarWeb": False},
        "purchase": {"hideBuyButtonUntil": "2022-02-12T00:00:00.000Z", "showSupportBadge": True},
        "ratings": {"enabled": False},
        "recentlyAdded": {"sidebarWeb": False},
        "sharedLinks": {"enabled": True, "sidebarWeb": False},
        "tags": {"enabled": False, "sidebarWeb": False},
    }


async def test_preferences_partial_updates_accumulate(
    client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn
) -> None:
    defaults = (await client.get("/api/users/me/preferences", headers=user.headers)).json()

    first = await client.put(
        "/api/users/me/preferences", json={"tags": {"enabled": True}}, headers=user.headers
    )
    second = await client.put(
        "/api/users/me/preferences",
        json={"download": {"archiveSize": 1024}, "albums": {"defaultAssetOrder": "asc"}},
        headers=user.headers,
    )

    assert first.status_code == 200
    assert first.json()["tags"] == {"enabled": True, "sidebarWeb": False}
    assert second.status_code == 200
    expected = {
        **defaults,
        "tags": {"enabled": True, "sidebarWeb": False},
        "download": {"archiveSize": 1024, "includeEmbeddedVideos": False},
        "albums": {"defaultAssetOrder": "asc"},
    }
    assert second.json() == expected
    assert (await client.get("/api/users/me/preferences", headers=user.headers)).json() == expected
    admin_view = await client.get("/api/users/me/preferences", headers=admin.headers)
    assert admin_view.json() == defaults


async def test_preferences_reject_out_of_range_values(client: httpx.AsyncClient, user: LoggedIn) -> None:
    response = await client.put(
        "/api/users/me/preferences", json={"people": {"minimumFaces": 0}}, headers=user.headers
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Validation failed"


async def test_license_round_trip(client: httpx.AsyncClient, user: LoggedIn) -> None:
    missing = await client.get("/api/users/me/license", headers=user.headers)
    assert missing.status_code == 404

    invalid = await client.put(
        "/api/users/me/license", json={"licenseKey": "nope", "activationKey": "x"}, headers=user.headers
    )
    assert invalid.status_code == 400

    stored = await client.put("/api/users/me/license", json=VALID_LICENSE, headers=user.headers)
    assert stored.status_code == 200
    body = stored.json()
    assert set(body) == {"licenseKey", "activationKey", "activatedAt"}
    assert (body["licenseKey"], body["activationKey"]) == (VALID_LICENSE["licenseKey"], "activation-key")
    assert (await client.get("/api/users/me/license", headers=user.headers)).json() == body
    assert (await client.get("/api/users/me", headers=user.headers)).json()["license"] == body

    deleted = await client.delete("/api/users/me/license", headers=user.headers)
    assert deleted.status_code == 204
    assert (await client.get("/api/users/me/license", headers=user.headers)).status_code == 404


async def test_onboarding_round_trip(client: httpx.AsyncClient, user: LoggedIn) -> None:
    assert (await client.get("/api/users/me/onboarding", headers=user.headers)).json() == {
        "isOnboarded": False
    }

    stored = await client.put("/api/users/me/onboarding", json={"isOnboarded": True}, headers=user.headers)
    assert stored.status_code == 200
    assert stored.json() == {"isOnboarded": True}
    assert (await client.get("/api/users/me/onboarding", headers=user.headers)).json() == {
        "isOnboarded": True
    }

    assert (await client.delete("/api/users/me/onboarding", headers=user.headers)).status_code == 204
    assert (await client.get("/api/users/me/onboarding", headers=user.headers)).json() == {
        "isOnboarded": False
    }


async def test_search_lists_every_active_user(
    client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn
) -> None:
    response = await client.get("/api/users", headers=user.headers)

    assert response.status_code == 200
    listed = response.json()
    assert {entry["id"] for entry in listed} == {admin.user_id, user.user_id}
    assert all(set(entry) == USER_FIELDS for entry in listed)


async def test_search_shows_only_the_caller_without_public_users(
    client: httpx.AsyncClient, database: Database, settings: Settings, admin: LoggedIn, user: LoggedIn
) -> None:
    async with database.session() as db:
        await system_config.update_config(db, settings, {"server": {"publicUsers": False}})

    mine = (await client.get("/api/users", headers=user.headers)).json()
    everyone = (await client.get("/api/users", headers=admin.headers)).json()

    assert [entry["id"] for entry in mine] == [user.user_id]
    assert {entry["id"] for entry in everyone} == {admin.user_id, user.user_id}


async def test_get_user_by_id(client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn) -> None:
    response = await client.get(f"/api/users/{admin.user_id}", headers=user.headers)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == USER_FIELDS
    assert (body["id"], body["email"]) == (admin.user_id, "admin@albumen.test")


async def test_get_user_rejects_bad_and_unknown_ids(client: httpx.AsyncClient, user: LoggedIn) -> None:
    malformed = await client.get("/api/users/not-a-uuid", headers=user.headers)
    assert malformed.status_code == 400
    assert malformed.json()["message"] == "Validation failed"

    unknown = await client.get(f"/api/users/{uuid.uuid4()}", headers=user.headers)
    assert unknown.status_code == 400
    assert unknown.json() == {"message": "User not found"}


async def test_profile_image_upload_download_replace_delete(
    client: httpx.AsyncClient, settings: Settings, user: LoggedIn, admin: LoggedIn
) -> None:
    before = (await client.get("/api/users/me", headers=user.headers)).json()
    created = await client.post(
        "/api/users/profile-image", files={"file": ("me.png", PNG, "image/png")}, headers=user.headers
    )

    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"userId", "profileImagePath", "profileChangedAt"}
    assert body["userId"] == user.user_id
    assert body["profileImagePath"].startswith(f"profile/{user.user_id}/")
    assert body["profileImagePath"].endswith(".png")
    assert body["profileChangedAt"] > before["profileChangedAt"]
    first_file = settings.media_root / body["profileImagePath"]
    assert first_file.read_bytes() == PNG
    me = (await client.get("/api/users/me", headers=user.headers)).json()
    assert me["profileImagePath"] == body["profileImagePath"]

    download = await client.get(f"/api/users/{user.user_id}/profile-image", headers=admin.headers)
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["content-type"] == "image/png"

    replaced = await client.post(
        "/api/users/profile-image", files={"file": ("me.jpg", JPEG, "image/jpeg")}, headers=user.headers
    )
    assert replaced.status_code == 201
    assert not first_file.exists()
    second = await client.get(f"/api/users/{user.user_id}/profile-image", headers=user.headers)
    assert (second.content, second.headers["content-type"]) == (JPEG, "image/jpeg")

    deleted = await client.delete("/api/users/profile-image", headers=user.headers)
    assert deleted.status_code == 204
    assert not (settings.media_root / replaced.json()["profileImagePath"]).exists()
    assert (await client.get("/api/users/me", headers=user.headers)).json()["profileImagePath"] == ""
    gone = await client.get(f"/api/users/{user.user_id}/profile-image", headers=user.headers)
    assert gone.status_code == 404
    assert gone.json() == {"message": "User does not have a profile image"}
    again = await client.delete("/api/users/profile-image", headers=user.headers)
    assert again.status_code == 400


async def test_profile_image_must_be_an_image(
    client: httpx.AsyncClient, settings: Settings, user: LoggedIn
) -> None:
    response = await client.post(
        "/api/users/profile-image",
        files={"file": ("avatar.png", b"#!/bin/sh\necho not an image\n", "image/png")},
        headers=user.headers,
    )

    assert response.status_code == 400
    assert not (settings.media_root / "profile" / user.user_id).exists()
    assert (await client.get("/api/users/me", headers=user.headers)).json()["profileImagePath"] == ""
    missing = await client.post("/api/users/profile-image", headers=user.headers)
    assert missing.status_code == 400


@pytest.mark.parametrize("filename", ["../../../escape.jpg", "/etc/cron.d/escape.jpg", "..\\..\\escape.jpg"])
async def test_profile_image_ignores_the_client_filename(
    client: httpx.AsyncClient, settings: Settings, user: LoggedIn, filename: str
) -> None:
    response = await client.post(
        "/api/users/profile-image", files={"file": (filename, JPEG, "image/jpeg")}, headers=user.headers
    )

    assert response.status_code == 201
    stored = settings.media_root / response.json()["profileImagePath"]
    assert stored.parent == settings.media_root / "profile" / user.user_id
    assert "escape" not in stored.name
    everything = [path for path in settings.data_dir.parent.rglob("*") if path.is_file()]
    assert not [path for path in everything if "escape" in path.name]


async def test_profile_image_of_unknown_user(client: httpx.AsyncClient, user: LoggedIn) -> None:
    response = await client.get(f"/api/users/{uuid.uuid4()}/profile-image", headers=user.headers)
    assert response.status_code == 400


async def test_calendar_heatmap_shape(client: httpx.AsyncClient, user: LoggedIn) -> None:
    response = await client.get(
        "/api/users/me/calendar-heatmap",
        params={"from": "2024-02-27", "to": "2024-03-01"},
        headers=user.headers,
    )

    assert response.status_code == 200
    assert response.json() == {
        "from": "2024-02-27",
        "to": "2024-03-01",
        "series": [
            {"date": "2024-02-27", "count": 0},
            {"date": "2024-02-28", "count": 0},
            {"date": "2024-02-29", "count": 0},
            {"date": "2024-03-01", "count": 0},
        ],
        "totalCount": 0,
    }


async def test_calendar_heatmap_defaults_to_52_weeks_ending_today(
    client: httpx.AsyncClient, user: LoggedIn
) -> None:
    body = (await client.get("/api/users/me/calendar-heatmap", headers=user.headers)).json()

    today = datetime.now(UTC).date()
    assert body["to"] == today.isoformat()
    assert body["from"] == (today - timedelta(weeks=52) + timedelta(days=1)).isoformat()
    assert len(body["series"]) == 364
    assert date.fromisoformat(body["series"][-1]["date"]) == today


async def test_calendar_heatmap_rejects_reversed_and_malformed_ranges(
    client: httpx.AsyncClient, user: LoggedIn
) -> None:
    reversed_range = await client.get(
        "/api/users/me/calendar-heatmap",
        params={"from": "2024-03-01", "to": "2024-02-01"},
        headers=user.headers,
    )
    assert reversed_range.status_code == 400
    wrong_type = await client.get(
        "/api/users/me/calendar-heatmap", params={"type": "Deleted"}, headers=user.headers
    )
    assert wrong_type.status_code == 400
