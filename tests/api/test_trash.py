"""The trash: restore some or all, empty it (files and rows gone, quota given back), live photos, stacks."""

from __future__ import annotations

import os

import httpx

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.services.trash import purge_expired
from albumen.storage.local import LocalStorage
from tests.api.asset_support import add_file, asset_row, original_path, quota_usage, upload
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin


async def trash(client: httpx.AsyncClient, user: LoggedIn, *asset_ids: str) -> None:
    response = await client.request(
        "DELETE", "/api/assets", json={"ids": list(asset_ids)}, headers=user.headers
    )
    assert response.status_code == 204, response.text


async def is_trashed(client: httpx.AsyncClient, user: LoggedIn, asset_id: str) -> bool:
    response = await client.get(f"/api/assets/{asset_id}", headers=user.headers)
    assert response.status_code == 200, response.text
    trashed: bool = response.json()["isTrashed"]
    return trashed


async def test_restore_some_then_all(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    ids = [await upload(client, admin) for _ in range(3)]
    await trash(client, admin, *ids)

    some = await client.post("/api/trash/restore/assets", json={"ids": ids[:1]}, headers=admin.headers)
    assert (some.status_code, some.json()) == (200, {"count": 1})
    assert_shape(some.json(), "TrashResponseDto")
    assert [await is_trashed(client, admin, asset_id) for asset_id in ids] == [False, True, True]

    rest = await client.post("/api/trash/restore", headers=admin.headers)
    assert (rest.status_code, rest.json()) == (200, {"count": 2})
    assert [await is_trashed(client, admin, asset_id) for asset_id in ids] == [False, False, False]
    nothing = await client.post("/api/trash/restore/assets", json={"ids": []}, headers=admin.headers)
    assert nothing.json() == {"count": 0}


async def test_empty_removes_files_rows_and_quota_usage(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    kept = await upload(client, admin, content=os.urandom(1000))
    trashed = await upload(client, admin, content=os.urandom(3000))
    thumbnail = await add_file(database, settings, trashed, "thumbnail", b"thumb", ".webp")
    preview = await add_file(database, settings, trashed, "preview", b"preview", ".jpeg")
    original = await original_path(database, settings, trashed)
    assert original.exists()
    assert await quota_usage(database, admin) == 4000
    await trash(client, admin, trashed)

    response = await client.post("/api/trash/empty", headers=admin.headers)

    assert (response.status_code, response.json()) == (200, {"count": 1})
    assert await asset_row(database, trashed) is None
    assert not original.exists() and not thumbnail.exists() and not preview.exists()
    assert await quota_usage(database, admin) == 1000
    assert await asset_row(database, kept) is not None
    again = await client.post("/api/trash/empty", headers=admin.headers)
    assert again.json() == {"count": 0}


async def test_empty_only_touches_the_callers_trash(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    theirs = await upload(client, other)
    await trash(client, other, theirs)

    response = await client.post("/api/trash/empty", headers=admin.headers)

    assert response.json() == {"count": 0}
    assert await is_trashed(client, other, theirs)
    restore = await client.post("/api/trash/restore", headers=admin.headers)
    assert restore.json() == {"count": 0}
    assert await asset_row(database, theirs) is not None


async def test_purging_a_live_photo_takes_its_motion_video_along(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    video = await upload(client, admin, "live.mov", visibility="hidden")
    photo = await upload(client, admin, "live.heic", livePhotoVideoId=video)
    motion_file = await original_path(database, settings, video)

    response = await client.request(
        "DELETE", "/api/assets", json={"ids": [photo], "force": True}, headers=admin.headers
    )

    assert response.status_code == 204
    assert await asset_row(database, photo) is None
    assert await asset_row(database, video) is None
    assert not motion_file.exists()
    assert await quota_usage(database, admin) == 0


async def test_purging_a_stack_member_keeps_the_stack_consistent(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    primary, second, third = [await upload(client, admin) for _ in range(3)]
    stack = (
        await client.post("/api/stacks", json={"assetIds": [primary, second, third]}, headers=admin.headers)
    ).json()

    await client.request(
        "DELETE", "/api/assets", json={"ids": [primary], "force": True}, headers=admin.headers
    )
    remaining = (await client.get(f"/api/stacks/{stack['id']}", headers=admin.headers)).json()
    assert remaining["primaryAssetId"] == second
    assert sorted(asset["id"] for asset in remaining["assets"]) == sorted([second, third])

    await client.request("DELETE", "/api/assets", json={"ids": [third], "force": True}, headers=admin.headers)
    gone = await client.get(f"/api/stacks/{stack['id']}", headers=admin.headers)
    assert gone.status_code == 400
    alone = (await client.get(f"/api/assets/{second}", headers=admin.headers)).json()
    assert alone["stack"] is None


async def test_nightly_purge_removes_what_stayed_longer_than_the_trash_days(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin)
    await trash(client, admin, asset_id)
    storage = LocalStorage(settings.media_root)

    async with database.session() as session:
        assert await purge_expired(session, storage, trash_days=30) == 0
        assert await purge_expired(session, storage, trash_days=0) == 1
    assert await asset_row(database, asset_id) is None
