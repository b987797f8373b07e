"""List items: kept ones never go stale, long lists come back whole and in order.

Items are kept in memory by version (the rows' ``update_id``); these tests change rows the way the
server does (plain UPDATEs, a deleted EXIF row) and the way another process would (straight in the
database), and check what a list says next.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import delete, select, update

from albumen.db.engine import Database
from albumen.db.tables import Asset, AssetExif, User
from albumen.services import asset_items as kept_items
from albumen.services.asset_items import asset_items
from albumen.services.authentication import AuthContext
from tests.api.listing_support import insert_asset
from tests.helpers import LoggedIn, sign_up_admin


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    kept_items._kept.clear()


async def listed(database: Database, user_id: uuid.UUID, asset_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    async with database.session() as db:
        user = (await db.execute(select(User).where(User.id == user_id))).scalar_one()
        items = await asset_items(db, AuthContext(user=user), asset_ids, with_exif=True)
    return [orjson.loads(orjson.dumps(item)) for item in items]


async def admin_with_assets(
    client: httpx.AsyncClient, database: Database, count: int
) -> tuple[LoggedIn, list[uuid.UUID]]:
    admin = await sign_up_admin(client)
    ids = [uuid.UUID(await insert_asset(database, admin, exif={"city": "Paris"})) for _ in range(count)]
    return admin, ids


async def test_changes_show_in_the_next_list(client: httpx.AsyncClient, database: Database) -> None:
    admin, ids = await admin_with_assets(client, database, 3)
    owner = uuid.UUID(admin.user_id)
    first = await listed(database, owner, ids)
    assert [item["exifInfo"]["city"] for item in first] == ["Paris"] * 3
    assert len(kept_items._kept) == 3

    async with database.session() as db:
        await db.execute(update(AssetExif).where(AssetExif.asset_id == ids[0]).values(city="Lyon"))
        await db.execute(update(Asset).where(Asset.id == ids[1]).values(is_favorite=True))
        await db.execute(delete(AssetExif).where(AssetExif.asset_id == ids[2]))
        await db.commit()
    second = await listed(database, owner, ids)
    assert second[0]["exifInfo"]["city"] == "Lyon"
    assert second[1]["isFavorite"] is True
    assert "exifInfo" not in second[2] and second[2]["hasMetadata"] is False
    # Unchanged assets come from memory and read the same.
    assert await listed(database, owner, ids) == second


async def test_the_owners_favourite_stays_theirs(client: httpx.AsyncClient, database: Database) -> None:
    admin, ids = await admin_with_assets(client, database, 1)
    async with database.session() as db:
        await db.execute(update(Asset).where(Asset.id == ids[0]).values(is_favorite=True))
        await db.commit()
    other = await client.post(
        "/api/admin/users",
        json={"email": "other@example.com", "password": "password", "name": "Other"},
        headers=admin.headers,
    )
    assert other.status_code == 201, other.text
    owner_view = await listed(database, uuid.UUID(admin.user_id), ids)
    other_view = await listed(database, uuid.UUID(other.json()["id"]), ids)
    assert owner_view[0]["isFavorite"] is True
    assert other_view[0]["isFavorite"] is False
    assert (await listed(database, uuid.UUID(admin.user_id), ids))[0]["isFavorite"] is True


async def test_gone_assets_are_left_out(client: httpx.AsyncClient, database: Database) -> None:
    admin, ids = await admin_with_assets(client, database, 2)
    await listed(database, uuid.UUID(admin.user_id), ids)
    async with database.session() as db:
        await db.execute(delete(Asset).where(Asset.id == ids[0]))
        await db.commit()
    assert [item["id"] for item in await listed(database, uuid.UUID(admin.user_id), ids)] == [str(ids[1])]


async def test_memory_stays_bounded(
    client: httpx.AsyncClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept_items, "KEPT_ITEMS", 2)
    admin, ids = await admin_with_assets(client, database, 5)
    items = await listed(database, uuid.UUID(admin.user_id), ids)
    assert [item["id"] for item in items] == [str(asset_id) for asset_id in ids]
    assert [uuid.UUID(bytes=key[0]) for key in kept_items._kept] == ids[-2:]


async def test_long_lists_written_in_halves_keep_their_order(
    client: httpx.AsyncClient, database: Database
) -> None:
    count = kept_items.SPLIT_FROM + 21
    admin, ids = await admin_with_assets(client, database, count)
    shuffled = ids[1::2] + ids[::2]
    items = await listed(database, uuid.UUID(admin.user_id), shuffled)
    assert [item["id"] for item in items] == [str(asset_id) for asset_id in shuffled]
    assert all(item["exifInfo"]["city"] == "Paris" for item in items)
