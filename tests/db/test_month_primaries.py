"""``asset_month_count.primaries`` (migration 0014) follows stacks and their assets.

After each change every group's count of stack primaries must equal a count from scratch, and the
``withStacked`` buckets must count each stack once, as its primary asset.
"""

from __future__ import annotations

import importlib
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import delete, text, update

from albumen.db.engine import Database
from albumen.db.tables import Asset, Stack
from tests.api.listing_support import insert_asset, stack, update_asset
from tests.helpers import LoggedIn, sign_up_admin

MIGRATION = importlib.import_module("albumen.db.migrations.versions.0014_timeline_counts")
KEY = "owner_id, month, visibility, is_favorite, is_trashed, type"
FROM_SCRATCH = f"""
    SELECT a.owner_id, {MIGRATION.MONTH.format(a="a")} AS month, a.visibility, a.is_favorite,
           a.deleted_at IS NOT NULL AS is_trashed, a.type, count(*) AS primaries
    FROM asset a JOIN stack s ON s.id = a.stack_id AND s.primary_asset_id = a.id
    GROUP BY 1, 2, 3, 4, 5, 6
"""
SEPTEMBER = datetime(2024, 9, 1, tzinfo=UTC)


async def assert_counted(database: Database) -> dict[tuple[Any, ...], int]:
    async with database.session() as db:
        kept = await db.execute(
            text(f"SELECT {KEY}, primaries FROM asset_month_count WHERE is_stacked AND primaries <> 0")
        )
        expected = await db.execute(text(FROM_SCRATCH))
        kept_rows = {tuple(row[:-1]): row[-1] for row in kept.all()}
        assert kept_rows == {tuple(row[:-1]): row[-1] for row in expected.all()}
        stray = await db.execute(
            text("SELECT count(*) FROM asset_month_count WHERE NOT is_stacked AND primaries <> 0")
        )
        assert stray.scalar_one() == 0
    return kept_rows


async def stacked_buckets(client: httpx.AsyncClient, user: LoggedIn) -> dict[str, int]:
    response = await client.get(
        "/api/timeline/buckets",
        params={"withStacked": "true", "visibility": "timeline"},
        headers=user.headers,
    )
    assert response.status_code == 200, response.text
    return {bucket["timeBucket"]: bucket["count"] for bucket in response.json()}


async def test_primaries_follow_stacks_and_their_assets(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    first, second, third, single = [await insert_asset(database, admin) for _ in range(4)]
    stack_id = await stack(database, admin, [first, second, third])
    assert len(await assert_counted(database)) == 1
    assert await stacked_buckets(client, admin) == {"2024-07-01": 2}

    # Another primary in another month, then the primary favourited, trashed and restored.
    await update_asset(database, second, local_date_time=SEPTEMBER, file_created_at=SEPTEMBER)
    async with database.session() as db:
        await db.execute(update(Stack).where(Stack.id == uuid.UUID(stack_id)).values(primary_asset_id=second))
        await db.commit()
    await assert_counted(database)
    assert await stacked_buckets(client, admin) == {"2024-09-01": 1, "2024-07-01": 1}
    await update_asset(database, second, is_favorite=True)
    await assert_counted(database)
    trashed = await client.request("DELETE", "/api/assets", json={"ids": [second]}, headers=admin.headers)
    assert trashed.status_code == 204, trashed.text
    await assert_counted(database)
    assert await stacked_buckets(client, admin) == {"2024-07-01": 1}
    restored = await client.post("/api/trash/restore/assets", json={"ids": [second]}, headers=admin.headers)
    assert restored.status_code == 200, restored.text
    await assert_counted(database)
    assert await stacked_buckets(client, admin) == {"2024-09-01": 1, "2024-07-01": 1}

    # An asset inserted straight into the stack, then the stack deleted: its assets count one by one.
    await insert_asset(database, admin, stack_id=uuid.UUID(stack_id))
    await assert_counted(database)
    assert await stacked_buckets(client, admin) == {"2024-09-01": 1, "2024-07-01": 1}
    async with database.session() as db:
        await db.execute(delete(Stack).where(Stack.id == uuid.UUID(stack_id)))
        await db.commit()
    assert await assert_counted(database) == {}
    assert await stacked_buckets(client, admin) == {"2024-09-01": 1, "2024-07-01": 4}

    # Deleting a primary asset deletes its stack.
    other = await stack(database, admin, [single, first])
    await assert_counted(database)
    async with database.session() as db:
        await db.execute(delete(Asset).where(Asset.id == uuid.UUID(single)))
        await db.commit()
    assert await assert_counted(database) == {}
    async with database.session() as db:
        assert await db.get(Stack, uuid.UUID(other)) is None
    assert await stacked_buckets(client, admin) == {"2024-09-01": 1, "2024-07-01": 3}
