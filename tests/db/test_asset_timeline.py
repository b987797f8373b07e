"""``asset_timeline`` (migration 0014) follows every change to ``asset`` and ``asset_exif``.

After each change the table must hold exactly what building it from scratch gives (the migration's
own backfill query), and the timeline bucket must show the change.
"""

from __future__ import annotations

import importlib
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import delete, text, update
from sqlalchemy.dialects.postgresql import insert

from albumen.db.engine import Database
from albumen.db.tables import Asset, AssetExif, Stack
from tests.api.listing_support import insert_asset, stack, update_asset
from tests.helpers import LoggedIn, sign_up_admin

MIGRATION = importlib.import_module("albumen.db.migrations.versions.0014_timeline_counts")
COLUMNS = f"id, {MIGRATION.ASSET_COLUMNS}, ratio, {MIGRATION.EXIF_COLUMNS}"
# The backfill's SELECT (without its INSERT): what each row should hold now.
SEPTEMBER = datetime(2024, 9, 1, tzinfo=UTC)
REBUILT = MIGRATION._insert_rows("asset").split("SELECT", 1)[1].rsplit("ORDER BY", 1)[0]


async def assert_in_step(database: Database) -> list[dict[str, Any]]:
    async with database.session() as db:
        kept = (await db.execute(text(f"SELECT {COLUMNS} FROM asset_timeline ORDER BY id"))).mappings().all()
        rebuilt = (await db.execute(text(f"SELECT * FROM (SELECT {REBUILT}) AS r ORDER BY 1"))).all()
    assert [tuple(row.values()) for row in kept] == [tuple(row) for row in rebuilt]
    return [dict(row) for row in kept]


async def bucket(client: httpx.AsyncClient, user: LoggedIn, **params: str) -> dict[str, Any]:
    response = await client.get(
        "/api/timeline/bucket", params={"timeBucket": "2024-07-01", **params}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def upsert_exif(database: Database, asset_id: str, **values: Any) -> None:
    async with database.session() as db:
        row = {"asset_id": uuid.UUID(asset_id), **values}
        statement = insert(AssetExif).values(**row)
        await db.execute(statement.on_conflict_do_update(index_elements=["asset_id"], set_=values))
        await db.commit()


async def test_rows_follow_assets_and_exif(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    bare = await insert_asset(database, admin, width=None, height=None, thumbhash=b"\x01\x02\x03")
    located = await insert_asset(database, admin, exif={"city": "Paris", "country": "France"})
    video = await insert_asset(database, admin, type="VIDEO", duration_ms=1500, offset_hours=5.5)
    rows = await assert_in_step(database)
    assert len(rows) == 3
    shown = await bucket(client, admin)
    assert dict(zip(shown["id"], shown["ratio"], strict=True)) == {bare: 1.0, located: 1.333, video: 1.333}
    assert shown["localOffsetHours"][shown["id"].index(video)] == 5.5

    # Metadata extraction: EXIF written later, turned sideways, moved, then taken away.
    await upsert_exif(
        database, bare, exif_image_width=4000, exif_image_height=3000, orientation="6", city="Kyoto"
    )
    await assert_in_step(database)
    shown = await bucket(client, admin)
    assert shown["ratio"][shown["id"].index(bare)] == 0.75
    assert shown["city"][shown["id"].index(bare)] == "Kyoto"
    await upsert_exif(
        database, located, city="Lyon", latitude=45.76, longitude=4.84, projection_type="EQUIRECT"
    )
    await assert_in_step(database)
    shown = await bucket(client, admin, withCoordinates="true")
    index = shown["id"].index(located)
    assert (shown["city"][index], shown["latitude"][index], shown["projectionType"][index]) == (
        "Lyon",
        45.76,
        "EQUIRECT",
    )
    async with database.session() as db:
        await db.execute(delete(AssetExif).where(AssetExif.asset_id == uuid.UUID(bare)))
        await db.commit()
    await assert_in_step(database)
    shown = await bucket(client, admin)
    assert (shown["ratio"][shown["id"].index(bare)], shown["city"][shown["id"].index(bare)]) == (1.0, None)

    # Asset changes: size, thumbhash, dates, favourite, visibility, live photo link.
    await update_asset(database, bare, width=1000, height=2000, thumbhash=None, is_favorite=True)
    await update_asset(database, video, local_date_time=SEPTEMBER, visibility="archive")
    await update_asset(database, located, live_photo_video_id=uuid.UUID(video))
    await assert_in_step(database)
    shown = await bucket(client, admin)
    assert sorted(shown["id"]) == sorted([located, bare])
    assert shown["livePhotoVideoId"][shown["id"].index(located)] == video
    index = shown["id"].index(bare)
    assert (shown["ratio"][index], shown["thumbhash"][index], shown["isFavorite"][index]) == (0.5, None, True)


async def test_rows_follow_trash_restore_stacks_and_deletes(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    first, second, third = [await insert_asset(database, admin, exif={}) for _ in range(3)]
    stack_id = await stack(database, admin, [first, second])
    await assert_in_step(database)
    stacked = await bucket(client, admin, withStacked="true")
    assert sorted(stacked["id"]) == sorted([first, third])
    assert stacked["stack"][stacked["id"].index(first)] == [stack_id, "2"]

    trashed = await client.request("DELETE", "/api/assets", json={"ids": [second]}, headers=admin.headers)
    assert trashed.status_code == 204, trashed.text
    await assert_in_step(database)
    assert second not in (await bucket(client, admin))["id"]
    assert (await bucket(client, admin, isTrashed="true"))["id"] == [second]
    restored = await client.post("/api/trash/restore/assets", json={"ids": [second]}, headers=admin.headers)
    assert restored.status_code == 200, restored.text
    await assert_in_step(database)
    assert second in (await bucket(client, admin))["id"]

    # A new primary is read live; deleting the stack unstacks its assets.
    async with database.session() as db:
        await db.execute(update(Stack).where(Stack.id == uuid.UUID(stack_id)).values(primary_asset_id=second))
        await db.commit()
    assert sorted((await bucket(client, admin, withStacked="true"))["id"]) == sorted([second, third])
    async with database.session() as db:
        await db.execute(delete(Stack).where(Stack.id == uuid.UUID(stack_id)))
        await db.commit()
    rows = await assert_in_step(database)
    assert all(row["stack_id"] is None for row in rows)
    assert len((await bucket(client, admin, withStacked="true"))["id"]) == 3

    async with database.session() as db:
        await db.execute(delete(Asset).where(Asset.id == uuid.UUID(third)))
        await db.commit()
    rows = await assert_in_step(database)
    assert {str(row["id"]) for row in rows} == {first, second}
