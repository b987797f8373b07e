"""The ``Views`` tag: the caller's originals by folder."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from albumen.db.engine import Database
from tests.api.listing_support import insert_asset
from tests.dto_shapes import assert_shape
from tests.helpers import create_user, sign_up_admin


async def test_folders_and_their_assets(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    b_photo = await insert_asset(database, admin, path="/photos/2024/b.jpg", name="b.jpg")
    a_photo = await insert_asset(database, admin, path="/photos/2024/a.jpg", name="a.jpg")
    await insert_asset(database, admin, path="/photos/2024/trip/c.jpg")
    await insert_asset(database, admin, path="/photos/archived/d.jpg", visibility="archive")
    await insert_asset(database, admin, path="/photos/trash/e.jpg", deleted_at=datetime.now(UTC))
    await insert_asset(database, other, path="/theirs/f.jpg")

    response = await client.get("/api/view/folder/unique-paths", headers=admin.headers)
    assert response.status_code == 200
    assert response.json() == ["/photos/2024", "/photos/2024/trip"]

    folder = await client.get("/api/view/folder", params={"path": "/photos/2024/"}, headers=admin.headers)
    assert folder.status_code == 200
    assert_shape(folder.json(), "AssetResponseDto[]")
    assert [item["id"] for item in folder.json()] == [a_photo, b_photo]
    theirs = await client.get("/api/view/folder", params={"path": "/theirs"}, headers=admin.headers)
    assert theirs.json() == []


async def test_uploaded_originals_are_listed_by_storage_folder(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    asset_id = await insert_asset(database, admin)
    paths = (await client.get("/api/view/folder/unique-paths", headers=admin.headers)).json()
    assert paths == [f"upload/{admin.user_id}/{asset_id[:2]}"]
    listed = await client.get("/api/view/folder", params={"path": paths[0]}, headers=admin.headers)
    assert [item["id"] for item in listed.json()] == [asset_id]
