"""The nightly tasks: fired once at ``nightlyTasks.startTime``; trash purge, tag/session/user cleanup."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select, update

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import Asset, Job, Session, Tag, TagAsset, User
from albumen.jobs import JobName, enqueue
from albumen.services.pipeline.context import Pipeline
from albumen.services.pipeline.registry import build_registry, build_schedule
from albumen.services.system_config import update_config
from tests.helpers import create_user, run_jobs, sign_up_admin
from tests.services.pipeline.support import ASSETS, derived_files, media_file, upload_and_process


async def _run(database: Database, settings: Settings, name: JobName) -> None:
    async with database.session() as db, db.begin():
        await enqueue(db, name, {})
    await run_jobs(database, settings)


async def test_the_trash_purge_deletes_rows_and_files_of_assets_trashed_too_long_ago(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    names = ["albums/nature/silver_fir.jpg", "albums/nature/wood_anemones.jpg", "albums/text/craft-beer.jpg"]
    expired, recent, kept = await upload_and_process(
        client, database, settings, admin, [ASSETS / n for n in names]
    )
    now = datetime.now(UTC)
    async with database.session() as db, db.begin():
        for asset_id, trashed_at in ((expired, now - timedelta(days=31)), (recent, now - timedelta(days=29))):
            await db.execute(
                update(Asset)
                .where(Asset.id == uuid.UUID(asset_id))
                .values(deleted_at=trashed_at, status="trashed")
            )
    expired_files = [(await derived_files(database, expired))[kind] for kind in ("thumbnail", "preview")]
    async with database.session() as db:
        expired_files.append((await db.get(Asset, uuid.UUID(expired))).original_path)  # type: ignore[union-attr]
        usage_before = (await db.execute(select(User.quota_usage_in_bytes))).scalar_one()

    await _run(database, settings, JobName.ASSET_DELETE_CHECK)

    async with database.session() as db:
        remaining = set((await db.execute(select(Asset.id))).scalars())
        usage_after = (await db.execute(select(User.quota_usage_in_bytes))).scalar_one()
    assert remaining == {uuid.UUID(recent), uuid.UUID(kept)}
    assert all(not media_file(settings, key).exists() for key in expired_files)
    assert usage_before - usage_after == (ASSETS / names[0]).stat().st_size
    assert (await client.get(f"/api/assets/{expired}", headers=admin.headers)).status_code == 400

    async with database.session() as db:
        await update_config(db, settings, {"trash": {"enabled": False}})
    await _run(database, settings, JobName.ASSET_DELETE_CHECK)
    async with database.session() as db:
        assert set((await db.execute(select(Asset.id))).scalars()) == {uuid.UUID(kept)}


async def test_nightly_jobs_are_queued_once_at_the_start_time_per_the_config(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    await sign_up_admin(client)
    async with database.session() as db:
        await update_config(db, settings, {"nightlyTasks": {"startTime": "03:30", "databaseCleanup": False}})
    pipeline = Pipeline(database, settings)
    await pipeline.config_cache.refresh()
    schedule = build_schedule(pipeline, build_registry(pipeline))
    tz = schedule.timezone
    before = datetime(2026, 5, 1, 3, 29, 50, tzinfo=tz)
    assert await schedule.check(before) == []
    fired = await schedule.check(before + timedelta(seconds=20))
    assert "nightly:AssetGenerateThumbnailsQueueAll" in fired
    assert "nightly:AssetDeleteCheck" not in fired
    # Another process checking the same tick queues nothing more.
    other = build_schedule(pipeline, build_registry(pipeline))
    assert await other.check(before + timedelta(seconds=30)) == []

    async with database.session() as db:
        await update_config(db, settings, {"nightlyTasks": {"databaseCleanup": True}})
    await pipeline.config_cache.refresh()
    fired = await schedule.check(before + timedelta(days=1, seconds=20))
    assert {"nightly:AssetDeleteCheck", "nightly:UserDeleteCheck", "nightly:SessionCleanup"} <= set(fired)
    async with database.session() as db:
        queued = (await db.execute(select(func.count()).where(Job.name == "AssetDeleteCheck"))).scalar_one()
    assert queued == 1


async def test_cleanup_jobs_drop_empty_tags_expired_sessions_and_users_past_their_delay(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    leaving = await create_user(client, admin, "leaving@albumen.test")
    [tagged] = await upload_and_process(
        client, database, settings, admin, [ASSETS / "metadata/tags/picasa.jpg"]
    )
    now = datetime.now(UTC)
    async with database.session() as db, db.begin():
        owner = uuid.UUID(admin.user_id)
        parent = Tag(user_id=owner, value="Empty")
        db.add(parent)
        await db.flush()
        db.add(Tag(user_id=owner, value="Empty/Child", parent_id=parent.id))
        await db.execute(
            update(Session).where(Session.user_id == owner).values(expires_at=now - timedelta(minutes=1))
        )
        await db.execute(
            update(User)
            .where(User.id == uuid.UUID(leaving.user_id))
            .values(deleted_at=now - timedelta(days=8))
        )
    for job in (JobName.TAG_CLEANUP, JobName.SESSION_CLEANUP, JobName.USER_DELETE_CHECK):
        await _run(database, settings, job)
    async with database.session() as db:
        tags = set((await db.execute(select(Tag.value))).scalars())
        links = (await db.execute(select(func.count()).select_from(TagAsset))).scalar_one()
        sessions = (await db.execute(select(func.count()).select_from(Session))).scalar_one()
        users = set((await db.execute(select(User.email))).scalars())
    assert tags == {"Frost", "Yard"} and links == 2
    assert sessions == 0  # the admin's expired ones, and the purged user's with them
    assert users == {admin.email}
    assert tagged
