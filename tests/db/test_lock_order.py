"""Writes to an asset and to its EXIF row take their locks in one order, so the jobs that process a
photo and a user trashing or restoring it at the same moment wait for each other instead of
deadlocking (one of them then failing with a 500)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from sqlalchemy import text

from albumen.db.engine import Database
from tests.api.listing_support import insert_asset
from tests.db.test_asset_timeline import assert_in_step
from tests.helpers import sign_up_admin


async def wait_until_blocked(database: Database, pid: int) -> None:
    query = text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid")
    for _ in range(200):
        async with database.session() as db:
            if (await db.execute(query, {"pid": pid})).scalar_one_or_none() == "Lock":
                return
        await asyncio.sleep(0.02)
    raise AssertionError("the second transaction never waited for a lock")


async def test_metadata_extraction_and_a_concurrent_trash_both_commit(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    asset_id = uuid.UUID(await insert_asset(database, admin, exif={"city": "Paris", "country": "France"}))

    async with database.session() as extraction, database.session() as trash:
        # Metadata extraction writes the EXIF row first and the asset after, in one transaction.
        await extraction.execute(
            text("UPDATE asset_exif SET city = 'Lyon' WHERE asset_id = :id"), {"id": asset_id}
        )
        trash_pid = (await trash.execute(text("SELECT pg_backend_pid()"))).scalar_one()

        async def trash_it() -> None:
            await trash.execute(text("UPDATE asset SET deleted_at = now() WHERE id = :id"), {"id": asset_id})
            await trash.commit()

        trashing = asyncio.create_task(trash_it())
        await wait_until_blocked(database, trash_pid)
        await extraction.execute(text("UPDATE asset SET width = 3000 WHERE id = :id"), {"id": asset_id})
        await extraction.commit()
        await asyncio.wait_for(trashing, timeout=10)

    rows = {row["id"]: row for row in await assert_in_step(database)}
    assert rows[asset_id]["city"] == "Lyon"
    assert rows[asset_id]["deleted_at"] is not None
