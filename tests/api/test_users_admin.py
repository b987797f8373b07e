"""``/api/admin/users``: user management by admins, Immich's delayed deletion, and the purge behind it."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.repositories.users import UserRepository
from albumen.db.tables import Asset
from albumen.services.users_admin import purge_deleted_users
from albumen.storage import LocalStorage
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_api_key, create_user, login, sign_up_admin


@pytest.fixture
async def admin(client: httpx.AsyncClient) -> LoggedIn:
    return await sign_up_admin(client)


@pytest.fixture
async def user(client: httpx.AsyncClient, admin: LoggedIn) -> LoggedIn:
    return await create_user(client, admin, "user@albumen.test")


async def _create(client: httpx.AsyncClient, admin: LoggedIn, **fields: Any) -> httpx.Response:
    body = {"email": "new@albumen.test", "name": "New", "password": "new-password", **fields}
    return await client.post("/api/admin/users", json=body, headers=admin.headers)


async def test_create_user(client: httpx.AsyncClient, admin: LoggedIn) -> None:
    response = await _create(client, admin, email="New.Person@Albumen.test")

    assert response.status_code == 201
    body = response.json()
    assert_shape(body, "UserAdminResponseDto")
    assert body["email"] == "new.person@albumen.test"
    assert body["name"] == "New"
    assert body["isAdmin"] is False
    assert body["shouldChangePassword"] is True
    assert body["status"] == "active"
    assert (body["storageLabel"], body["quotaSizeInBytes"], body["deletedAt"]) == (None, None, None)
    assert body["quotaUsageInBytes"] == 0
    assert body["profileImagePath"] == ""
    created = await login(client, "new.person@albumen.test", "new-password")
    assert created.user_id == body["id"]


async def test_create_user_with_optional_fields(client: httpx.AsyncClient, admin: LoggedIn) -> None:
    response = await _create(
        client,
        admin,
        storageLabel="../Holiday.Pics",
        quotaSizeInBytes=1024,
        shouldChangePassword=False,
        avatarColor="amber",
        pinCode="123456",
        isAdmin=True,
    )

    assert response.status_code == 201
    body = response.json()
    assert body["storageLabel"] == "HolidayPics"
    assert (body["quotaSizeInBytes"], body["shouldChangePassword"]) == (1024, False)
    assert (body["avatarColor"], body["isAdmin"]) == ("amber", True)


async def test_create_user_rejects_taken_email_in_any_case(
    client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn
) -> None:
    response = await _create(client, admin, email="USER@albumen.TEST")

    assert response.status_code == 400
    assert response.json() == {"message": "User exists"}


async def test_create_user_rejects_taken_storage_label(client: httpx.AsyncClient, admin: LoggedIn) -> None:
    assert (await _create(client, admin, email="a@albumen.test", storageLabel="family")).status_code == 201

    response = await _create(client, admin, email="b@albumen.test", storageLabel="family")

    assert response.status_code == 400
    assert response.json() == {"message": "Storage label already in use by another account"}


async def test_create_user_validates_the_body(client: httpx.AsyncClient, admin: LoggedIn) -> None:
    for body in ({"email": "x@albumen.test", "name": "X"}, {"email": "nope", "name": "X", "password": "p"}):
        response = await client.post("/api/admin/users", json=body, headers=admin.headers)
        assert response.status_code == 400
        assert response.json()["message"] == "Validation failed"
    bad_pin = await _create(client, admin, pinCode="12ab")
    assert bad_pin.status_code == 400
    empty_password = await _create(client, admin, password="")
    assert empty_password.status_code == 400


async def test_search_lists_users_and_deleted_ones_on_request(
    client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn
) -> None:
    other = await create_user(client, admin, "other@albumen.test")
    await client.request("DELETE", f"/api/admin/users/{other.user_id}", json={}, headers=admin.headers)

    active = (await client.get("/api/admin/users", headers=admin.headers)).json()
    everyone = (await client.get("/api/admin/users?withDeleted=true", headers=admin.headers)).json()
    just_one = (await client.get(f"/api/admin/users?id={user.user_id}", headers=admin.headers)).json()

    assert [entry["id"] for entry in active] == [admin.user_id, user.user_id]
    assert [entry["id"] for entry in everyone] == [admin.user_id, user.user_id, other.user_id]
    assert_shape(everyone, "UserAdminResponseDto[]")
    assert [entry["id"] for entry in just_one] == [user.user_id]


async def test_every_user_has_a_cluster_group_of_their_own(
    client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn
) -> None:
    # Immich 3.2 sends a UUID for every user (never null): each new user starts alone in a group.
    listed = (await client.get("/api/admin/users", headers=admin.headers)).json()
    again = (await client.get(f"/api/admin/users/{user.user_id}", headers=admin.headers)).json()
    me = (await client.get("/api/users/me", headers=user.headers)).json()

    groups = {entry["id"]: entry["clusterGroupId"] for entry in listed}
    assert all(uuid.UUID(group) for group in groups.values())
    assert groups[admin.user_id] != groups[user.user_id]
    assert again["clusterGroupId"] == me["clusterGroupId"] == groups[user.user_id]


async def test_get_user(client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn) -> None:
    response = await client.get(f"/api/admin/users/{user.user_id}", headers=admin.headers)

    assert response.status_code == 200
    assert response.json()["email"] == "user@albumen.test"
    unknown = await client.get(f"/api/admin/users/{uuid.uuid4()}", headers=admin.headers)
    assert unknown.status_code == 400
    assert unknown.json() == {"message": "User not found"}


async def test_update_user(client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn) -> None:
    response = await client.put(
        f"/api/admin/users/{user.user_id}",
        json={
            "name": "Renamed",
            "email": "Renamed@albumen.test",
            "storageLabel": "renamed",
            "quotaSizeInBytes": 5000,
            "shouldChangePassword": True,
            "password": "admin-chosen",
        },
        headers=admin.headers,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["email"], body["storageLabel"]) == (
        "Renamed",
        "renamed@albumen.test",
        "renamed",
    )
    assert (body["quotaSizeInBytes"], body["shouldChangePassword"]) == (5000, True)
    await login(client, "renamed@albumen.test", "admin-chosen")

    cleared = await client.put(
        f"/api/admin/users/{user.user_id}",
        json={"storageLabel": "", "quotaSizeInBytes": None},
        headers=admin.headers,
    )
    assert (cleared.json()["storageLabel"], cleared.json()["quotaSizeInBytes"]) == (None, None)
    assert cleared.json()["name"] == "Renamed"


async def test_update_user_rejects_taken_email_and_label(
    client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn
) -> None:
    email = await client.put(
        f"/api/admin/users/{user.user_id}", json={"email": "ADMIN@albumen.test"}, headers=admin.headers
    )
    assert email.status_code == 400
    assert email.json() == {"message": "Email already in use by another account"}

    label = await client.put(
        f"/api/admin/users/{user.user_id}", json={"storageLabel": "admin"}, headers=admin.headers
    )
    assert label.status_code == 400
    assert label.json() == {"message": "Storage label already in use by another account"}


async def test_admin_cannot_change_own_admin_status(client: httpx.AsyncClient, admin: LoggedIn) -> None:
    response = await client.put(
        f"/api/admin/users/{admin.user_id}", json={"isAdmin": False}, headers=admin.headers
    )

    assert response.status_code == 400
    assert response.json() == {"message": "Admin status can only be changed by another admin"}


async def test_delete_locks_the_user_out_until_restored(
    client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn
) -> None:
    api_key = await create_api_key(client, user)

    response = await client.request(
        "DELETE", f"/api/admin/users/{user.user_id}", json={}, headers=admin.headers
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "deleted"
    assert body["deletedAt"] is not None
    assert (await client.get("/api/users/me", headers=user.headers)).status_code == 401
    assert (await client.get("/api/users/me", headers={"x-api-key": api_key})).status_code == 401
    denied = await client.post("/api/auth/login", json={"email": user.email, "password": user.password})
    assert denied.status_code == 401
    client.cookies.clear()
    still_visible = await client.get(f"/api/admin/users/{user.user_id}", headers=admin.headers)
    assert still_visible.json()["status"] == "deleted"
    assert (await client.get(f"/api/users/{user.user_id}", headers=admin.headers)).status_code == 400
    twice = await client.request("DELETE", f"/api/admin/users/{user.user_id}", json={}, headers=admin.headers)
    assert twice.status_code == 400

    restored = await client.post(f"/api/admin/users/{user.user_id}/restore", headers=admin.headers)

    assert restored.status_code == 200
    assert (restored.json()["status"], restored.json()["deletedAt"]) == ("active", None)
    assert (await client.get("/api/users/me", headers=user.headers)).status_code == 200
    assert (await login(client, user.email, user.password)).user_id == user.user_id


async def test_delete_without_a_body_and_with_force(
    client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn
) -> None:
    other = await create_user(client, admin, "other@albumen.test")

    plain = await client.delete(f"/api/admin/users/{other.user_id}", headers=admin.headers)
    forced = await client.request(
        "DELETE", f"/api/admin/users/{user.user_id}", json={"force": True}, headers=admin.headers
    )

    assert plain.status_code == 200
    assert plain.json()["status"] == "deleted"
    assert forced.status_code == 200
    assert forced.json()["status"] == "removing"


async def test_admin_cannot_delete_themselves(client: httpx.AsyncClient, admin: LoggedIn) -> None:
    response = await client.request(
        "DELETE", f"/api/admin/users/{admin.user_id}", json={}, headers=admin.headers
    )

    assert response.status_code == 403
    assert response.json() == {"message": "Cannot delete your own account"}


async def test_restore_unknown_user(client: httpx.AsyncClient, admin: LoggedIn) -> None:
    response = await client.post(f"/api/admin/users/{uuid.uuid4()}/restore", headers=admin.headers)
    assert response.status_code == 400


async def test_admin_reads_and_updates_a_users_preferences(
    client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn
) -> None:
    defaults = (
        await client.get(f"/api/admin/users/{user.user_id}/preferences", headers=admin.headers)
    ).json()
    assert defaults == (await client.get("/api/users/me/preferences", headers=user.headers)).json()

    response = await client.put(
        f"/api/admin/users/{user.user_id}/preferences",
        json={"emailNotifications": {"enabled": False}},
        headers=admin.headers,
    )

    assert response.status_code == 200
    mine = (await client.get("/api/users/me/preferences", headers=user.headers)).json()
    assert mine["emailNotifications"] == {"enabled": False, "albumInvite": True, "albumUpdate": True}
    assert mine == response.json()


async def test_sessions_of_a_user(client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn) -> None:
    response = await client.get(f"/api/admin/users/{user.user_id}/sessions", headers=admin.headers)

    assert response.status_code == 200
    sessions = response.json()
    assert len(sessions) == 1
    assert sessions[0]["current"] is False
    assert {"id", "createdAt", "updatedAt", "current", "deviceType", "deviceOS", "appVersion"} <= set(
        sessions[0]
    )


async def _add_asset(database: Database, owner_id: str, kind: str = "IMAGE", **values: Any) -> None:
    now = values.pop("created_at", datetime.now(UTC))
    async with database.session() as db:
        db.add(
            Asset(
                owner_id=uuid.UUID(owner_id),
                type=kind,
                original_path=f"upload/{owner_id}/{uuid.uuid4()}.jpg",
                original_file_name="file.jpg",
                checksum=hashlib.sha1(uuid.uuid4().bytes).digest(),
                file_created_at=now,
                file_modified_at=now,
                local_date_time=values.pop("local_date_time", now),
                created_at=now,
                **values,
            )
        )
        await db.commit()


async def test_statistics_count_a_users_assets(
    client: httpx.AsyncClient, database: Database, admin: LoggedIn, user: LoggedIn
) -> None:
    await _add_asset(database, user.user_id)
    await _add_asset(database, user.user_id, is_favorite=True)
    await _add_asset(database, user.user_id, "VIDEO")
    await _add_asset(database, user.user_id, visibility="archive")
    await _add_asset(database, user.user_id, visibility="hidden")
    await _add_asset(database, user.user_id, deleted_at=datetime.now(UTC))
    await _add_asset(database, admin.user_id)
    url = f"/api/admin/users/{user.user_id}/statistics"

    async def stats(**params: str) -> dict[str, int]:
        response = await client.get(url, params=params, headers=admin.headers)
        assert response.status_code == 200
        body: dict[str, int] = response.json()
        return body

    assert await stats() == {"images": 3, "videos": 1, "total": 4}
    assert await stats(isFavorite="true") == {"images": 1, "videos": 0, "total": 1}
    assert await stats(isTrashed="true") == {"images": 1, "videos": 0, "total": 1}
    assert await stats(visibility="archive") == {"images": 1, "videos": 0, "total": 1}
    assert await stats(visibility="hidden") == {"images": 1, "videos": 0, "total": 1}
    bad = await client.get(url, params={"visibility": "everywhere"}, headers=admin.headers)
    assert bad.status_code == 400


async def test_calendar_heatmap_counts_uploads_and_taken_days(
    client: httpx.AsyncClient, database: Database, admin: LoggedIn, user: LoggedIn
) -> None:
    uploaded = datetime(2024, 5, 2, 23, 30, tzinfo=UTC)
    await _add_asset(
        database, user.user_id, created_at=uploaded, local_date_time=datetime(2020, 1, 1, tzinfo=UTC)
    )
    await _add_asset(database, user.user_id, created_at=uploaded)
    url = f"/api/admin/users/{user.user_id}/calendar-heatmap"

    uploads = await client.get(url, params={"from": "2024-05-01", "to": "2024-05-03"}, headers=admin.headers)
    taken = await client.get(
        url, params={"from": "2020-01-01", "to": "2020-01-01", "type": "Taken"}, headers=admin.headers
    )

    assert uploads.status_code == 200
    assert uploads.json()["series"] == [
        {"date": "2024-05-01", "count": 0},
        {"date": "2024-05-02", "count": 2},
        {"date": "2024-05-03", "count": 0},
    ]
    assert uploads.json()["totalCount"] == 2
    assert taken.json() == {
        "from": "2020-01-01",
        "to": "2020-01-01",
        "series": [{"date": "2020-01-01", "count": 1}],
        "totalCount": 1,
    }
    mine = await client.get(
        "/api/users/me/calendar-heatmap",
        params={"from": "2024-05-02", "to": "2024-05-02"},
        headers=user.headers,
    )
    assert mine.json()["totalCount"] == 2


ADMIN_ROUTES = [
    ("GET", "/api/admin/users"),
    ("POST", "/api/admin/users"),
    ("GET", "/api/admin/users/{id}"),
    ("PUT", "/api/admin/users/{id}"),
    ("DELETE", "/api/admin/users/{id}"),
    ("GET", "/api/admin/users/{id}/calendar-heatmap"),
    ("GET", "/api/admin/users/{id}/preferences"),
    ("PUT", "/api/admin/users/{id}/preferences"),
    ("POST", "/api/admin/users/{id}/restore"),
    ("GET", "/api/admin/users/{id}/sessions"),
    ("GET", "/api/admin/users/{id}/statistics"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
async def test_non_admins_are_forbidden(
    client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn, method: str, path: str
) -> None:
    body = {"email": "x@albumen.test", "name": "x", "password": "x"} if method == "POST" else {}
    url = path.format(id=admin.user_id)

    response = await client.request(method, url, json=body, headers=user.headers)

    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}
    assert (await client.get("/api/users/me", headers=admin.headers)).json()["status"] == "active"


async def _user_row_exists(database: Database, user_id: str) -> bool:
    async with database.session() as db:
        return await UserRepository(db).get(uuid.UUID(user_id), with_deleted=True) is not None


async def test_purge_waits_for_the_delete_delay(
    client: httpx.AsyncClient, database: Database, settings: Settings, admin: LoggedIn, user: LoggedIn
) -> None:
    storage = LocalStorage(settings.media_root)
    avatar = await client.post(
        "/api/users/profile-image",
        files={"file": ("a.png", b"\x89PNG\r\n\x1a\n" + bytes(20), "image/png")},
        headers=user.headers,
    )
    await client.request("DELETE", f"/api/admin/users/{user.user_id}", json={}, headers=admin.headers)
    deleted_at = datetime.now(UTC)

    async with database.session() as db:
        early = await purge_deleted_users(db, deleted_at + timedelta(days=6, hours=23), 7, storage=storage)
    assert early == []
    assert await _user_row_exists(database, user.user_id)
    assert (settings.media_root / avatar.json()["profileImagePath"]).exists()

    async with database.session() as db:
        late = await purge_deleted_users(db, deleted_at + timedelta(days=7, minutes=1), 7, storage=storage)
    assert late == [uuid.UUID(user.user_id)]
    assert not await _user_row_exists(database, user.user_id)
    assert not (settings.media_root / "profile" / user.user_id).exists()
    assert await _user_row_exists(database, admin.user_id)
    listed = (await client.get("/api/admin/users?withDeleted=true", headers=admin.headers)).json()
    assert [entry["id"] for entry in listed] == [admin.user_id]


async def test_purge_takes_force_deleted_users_at_once_and_skips_restored_ones(
    client: httpx.AsyncClient, database: Database, admin: LoggedIn, user: LoggedIn
) -> None:
    other = await create_user(client, admin, "other@albumen.test")
    await client.request(
        "DELETE", f"/api/admin/users/{user.user_id}", json={"force": True}, headers=admin.headers
    )
    await client.request("DELETE", f"/api/admin/users/{other.user_id}", json={}, headers=admin.headers)
    await client.post(f"/api/admin/users/{other.user_id}/restore", headers=admin.headers)

    async with database.session() as db:
        purged = await purge_deleted_users(db, datetime.now(UTC), 7)

    assert purged == [uuid.UUID(user.user_id)]
    assert await _user_row_exists(database, other.user_id)
