"""Memories: create and curate them, who may touch them, and the nightly "on this day" generation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import Memory
from albumen.jobs import JobName
from albumen.services.memories import generate
from albumen.services.pipeline.context import Pipeline
from albumen.services.pipeline.registry import build_registry
from tests.api.asset_support import add_file
from tests.api.listing_support import insert_asset
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin


async def _create(client: httpx.AsyncClient, user: LoggedIn, asset_ids: list[str], **fields: object) -> dict:
    body = {
        "type": "on_this_day",
        "data": {"year": 2020},
        "memoryAt": "2020-07-14T00:00:00.000Z",
        "assetIds": asset_ids,
        **fields,
    }
    response = await client.post("/api/memories", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    created: dict = response.json()
    return created


async def test_create_read_update_delete(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    mine = await insert_asset(database, admin)
    theirs = await insert_asset(database, other)

    created = await _create(client, admin, [mine, theirs])
    assert_shape(created, "MemoryResponseDto")
    assert [asset["id"] for asset in created["assets"]] == [mine]
    assert created["data"] == {"year": 2020} and created["isSaved"] is False
    assert created["ownerId"] == admin.user_id
    assert "showAt" not in created and "seenAt" not in created

    fetched = await client.get(f"/api/memories/{created['id']}", headers=admin.headers)
    assert fetched.status_code == 200 and fetched.json()["assets"][0]["id"] == mine

    updated = await client.put(
        f"/api/memories/{created['id']}",
        json={"isSaved": True, "seenAt": "2025-01-01T10:00:00.000Z"},
        headers=admin.headers,
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["isSaved"] is True
    assert updated.json()["seenAt"] == "2025-01-01T10:00:00.000Z"

    second = await _create(client, admin, [], memoryAt="2021-07-14T00:00:00.000Z", data={"year": 2021})
    listed = (await client.get("/api/memories", headers=admin.headers)).json()
    assert [memory["id"] for memory in listed] == [second["id"], created["id"]]
    ascending = (await client.get("/api/memories", params={"order": "asc"}, headers=admin.headers)).json()
    assert [memory["id"] for memory in ascending] == [created["id"], second["id"]]
    paged = await client.get("/api/memories", params={"size": 1, "page": 2}, headers=admin.headers)
    assert [memory["id"] for memory in paged.json()] == [created["id"]]
    saved = (await client.get("/api/memories", params={"isSaved": "true"}, headers=admin.headers)).json()
    assert [memory["id"] for memory in saved] == [created["id"]]
    by_id = (await client.get("/api/memories", params={"id": second["id"]}, headers=admin.headers)).json()
    assert [memory["id"] for memory in by_id] == [second["id"]]

    stats = await client.get("/api/memories/statistics", headers=admin.headers)
    assert stats.status_code == 200 and stats.json() == {"total": 2}
    assert_shape(stats.json(), "MemoryStatisticsResponseDto")
    assert (await client.get("/api/memories/statistics", headers=other.headers)).json() == {"total": 0}

    assert (await client.delete(f"/api/memories/{created['id']}", headers=admin.headers)).status_code == 204
    gone = await client.get(f"/api/memories/{created['id']}", headers=admin.headers)
    assert gone.status_code == 400
    assert gone.json()["message"] == "Not found or no memory.read access"


async def test_other_users_cannot_touch_a_memory(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    memory = await _create(client, admin, [])
    url = f"/api/memories/{memory['id']}"

    read = await client.get(url, headers=other.headers)
    assert (read.status_code, read.json()["message"]) == (400, "Not found or no memory.read access")
    changed = await client.put(url, json={"isSaved": True}, headers=other.headers)
    assert (changed.status_code, changed.json()["message"]) == (400, "Not found or no memory.update access")
    removed = await client.delete(url, headers=other.headers)
    assert (removed.status_code, removed.json()["message"]) == (400, "Not found or no memory.delete access")
    assets = await client.put(f"{url}/assets", json={"ids": [str(uuid.uuid4())]}, headers=other.headers)
    assert assets.status_code == 400
    assert (await client.get("/api/memories", headers=other.headers)).json() == []


async def test_add_and_remove_assets(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    first = await insert_asset(database, admin)
    second = await insert_asset(database, admin)
    theirs = await insert_asset(database, other)
    memory = await _create(client, admin, [first])
    url = f"/api/memories/{memory['id']}/assets"

    added = await client.put(url, json={"ids": [first, second, theirs]}, headers=admin.headers)
    assert added.status_code == 200, added.text
    assert_shape(added.json(), "BulkIdResponseDto[]")
    assert added.json() == [
        {"id": first, "success": False, "error": "duplicate"},
        {"id": second, "success": True},
        {"id": theirs, "success": False, "error": "no_permission"},
    ]
    fetched = (await client.get(f"/api/memories/{memory['id']}", headers=admin.headers)).json()
    assert {asset["id"] for asset in fetched["assets"]} == {first, second}
    assert fetched["updatedAt"] >= memory["updatedAt"]

    removed = await client.request("DELETE", url, json={"ids": [first, theirs]}, headers=admin.headers)
    assert removed.status_code == 200
    assert removed.json() == [
        {"id": first, "success": True},
        {"id": theirs, "success": False, "error": "not_found"},
    ]
    fetched = (await client.get(f"/api/memories/{memory['id']}", headers=admin.headers)).json()
    assert [asset["id"] for asset in fetched["assets"]] == [second]


async def test_on_this_day_memories_are_generated_per_year(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)

    def taken(year: int, hour: int = 12) -> datetime:
        return today.replace(year=year, hour=hour)  # 2016 and 2020 are leap years: safe on 29 February

    async def photo(user: LoggedIn, when: datetime, *, preview: bool = True, **values: Any) -> str:
        asset_id = await insert_asset(database, user, taken=when, **values)
        if preview:
            await add_file(database, settings, asset_id, "preview", b"jpeg", ".jpeg")
        return asset_id

    early = await photo(admin, taken(2016, 9))
    late = await photo(admin, taken(2016, 20))
    recent = await photo(admin, taken(2020))
    await photo(admin, taken(2020, 13), preview=False)
    await photo(admin, taken(2020, 14), deleted_at=datetime.now(UTC))
    await photo(admin, taken(2020, 15), visibility="archive")
    await photo(admin, taken(2019) - timedelta(days=10))
    await photo(admin, today)  # this year's photos are not a memory yet
    theirs = await photo(other, taken(2020))

    assert build_registry(Pipeline(database, settings)).get(JobName.MEMORY_GENERATE) is not None
    assert await generate(database) == 3
    assert await generate(database) == 0  # the days are done; a second run adds nothing

    params = {"for": today.date().isoformat()}
    memories = (await client.get("/api/memories", params=params, headers=admin.headers)).json()
    assert_shape(memories, "MemoryResponseDto[]")
    assert [(memory["data"]["year"], [asset["id"] for asset in memory["assets"]]) for memory in memories] == [
        (2020, [recent]),
        (2016, [early, late]),
    ]
    first = memories[0]
    assert first["type"] == "on_this_day"
    assert first["memoryAt"] == today.replace(year=2020).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )
    assert first["showAt"].startswith(today.date().isoformat())
    assert first["hideAt"].startswith(today.date().isoformat()) and first["hideAt"].endswith("23:59:59.999Z")

    tomorrow = {"for": (today + timedelta(days=1)).date().isoformat()}
    assert (await client.get("/api/memories", params=tomorrow, headers=admin.headers)).json() == []
    theirs_listed = (await client.get("/api/memories", params=params, headers=other.headers)).json()
    assert [[asset["id"] for asset in memory["assets"]] for memory in theirs_listed] == [[theirs]]
    stats = await client.get("/api/memories/statistics", params=params, headers=admin.headers)
    assert stats.json() == {"total": 2}


async def test_cleanup_keeps_saved_memories(client: httpx.AsyncClient, database: Database) -> None:
    from albumen.services.memories import cleanup

    admin = await sign_up_admin(client)
    old = "2020-01-01T00:00:00.000Z"
    await _create(client, admin, [], showAt=old)
    kept = await _create(client, admin, [], showAt=old, isSaved=True)
    await _create(client, admin, [])
    await cleanup(database)
    async with database.session() as db:
        remaining = (await db.execute(select(func.count()).select_from(Memory))).scalar_one()
    assert remaining == 2
    assert (await client.get(f"/api/memories/{kept['id']}", headers=admin.headers)).status_code == 200
