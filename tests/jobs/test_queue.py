"""Enqueueing in the caller's transaction, de-duplication, and steering queues (pause, empty, clear)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from albumen.db.engine import Database
from albumen.db.tables import Job, SystemMetadata
from albumen.jobs import (
    JobName,
    QueueJobStatus,
    QueueName,
    clear_failed,
    empty_queue,
    enqueue,
    enqueue_many,
    is_paused,
    list_queue_jobs,
    pause_queue,
    queue_state,
    queue_states,
    resume_queue,
)
from tests.jobs.conftest import jobs_in_db

EXTRACT = JobName.ASSET_EXTRACT_METADATA


async def test_a_job_commits_with_the_row_it_concerns_and_rolls_back_with_it(database: Database) -> None:
    async with database.session() as session, session.begin():
        session.add(SystemMetadata(key="kept", value={}))
        job_id = await enqueue(session, EXTRACT, {"id": "kept"})
    assert job_id is not None

    with pytest.raises(RuntimeError):
        async with database.session() as session, session.begin():
            session.add(SystemMetadata(key="lost", value={}))
            await enqueue(session, EXTRACT, {"id": "lost"})
            await session.flush()
            raise RuntimeError("the upload failed after its row and job were written")

    jobs = await jobs_in_db(database)
    assert [(job.id, job.name, job.queue, job.data, job.status) for job in jobs] == [
        (job_id, "AssetExtractMetadata", "metadataExtraction", {"id": "kept"}, "waiting")
    ]
    async with database.session() as session:
        keys = (await session.execute(select(SystemMetadata.key))).scalars().all()
    assert "lost" not in keys and "kept" in keys


async def test_the_same_job_for_the_same_asset_is_not_queued_twice_while_pending(database: Database) -> None:
    asset_id = str(uuid.uuid4())
    async with database.session() as session, session.begin():
        first = await enqueue(session, EXTRACT, {"id": asset_id}, dedupe_key=asset_id)
        again = await enqueue(session, EXTRACT, {"id": asset_id}, dedupe_key=asset_id)
        other_job = await enqueue(
            session, JobName.ASSET_GENERATE_THUMBNAILS, {"id": asset_id}, dedupe_key=asset_id
        )
        no_key = await enqueue(session, EXTRACT, {"id": asset_id})
    assert first is not None and other_job is not None and no_key is not None
    assert again is None

    async with database.session() as session, session.begin():
        await session.execute(update(Job).where(Job.id == first).values(status="active"))
    async with database.session() as session, session.begin():
        assert await enqueue(session, EXTRACT, {"id": asset_id}, dedupe_key=asset_id) is None

    async with database.session() as session, session.begin():
        await session.execute(update(Job).where(Job.id == first).values(status="completed"))
    async with database.session() as session, session.begin():
        assert await enqueue(session, EXTRACT, {"id": asset_id}, dedupe_key=asset_id) is not None


async def test_queue_all_inserts_thousands_in_one_statement_skipping_pending_duplicates(
    database: Database,
) -> None:
    asset_ids = [str(uuid.uuid4()) for _ in range(5000)]
    async with database.session() as session, session.begin():
        await enqueue(session, EXTRACT, {"id": asset_ids[0]}, dedupe_key=asset_ids[0])
    async with database.session() as session, session.begin():
        queued = await enqueue_many(
            session,
            EXTRACT,
            [{"id": asset_id} for asset_id in [*asset_ids, asset_ids[1]]],
            dedupe_keys=[*asset_ids, asset_ids[1]],
        )
    assert queued == 4999
    async with database.session() as session:
        count = (await session.execute(select(func.count()).select_from(Job))).scalar_one()
        ordered = (await session.execute(select(Job.data).order_by(Job.id).limit(3))).scalars().all()
    assert count == 5000
    assert [item["id"] for item in ordered] == asset_ids[:3]


async def test_counts_have_immichs_shape_for_every_queue(database: Database) -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    async with database.session() as session, session.begin():
        for index in range(3):
            await enqueue(session, EXTRACT, {"id": str(index)})
        await enqueue(session, EXTRACT, {"id": "later"}, run_at=later)
        active = await enqueue(session, EXTRACT, {"id": "active"})
        failed = await enqueue(session, EXTRACT, {"id": "failed"})
        done = await enqueue(session, EXTRACT, {"id": "done"})
        await enqueue(session, JobName.ASSET_GENERATE_THUMBNAILS, {"id": "thumb"})
    async with database.session() as session, session.begin():
        for job_id, status in ((active, "active"), (failed, "failed"), (done, "completed")):
            await session.execute(update(Job).where(Job.id == job_id).values(status=status))

    async with database.session() as session:
        states = await queue_states(session)
    assert list(states) == list(QueueName)
    assert len(states) == 19
    metadata = states[QueueName.METADATA_EXTRACTION]
    assert metadata.statistics.as_dict() == {
        "active": 1,
        "completed": 1,
        "delayed": 1,
        "failed": 1,
        "paused": 0,
        "waiting": 3,
    }
    assert (metadata.is_active, metadata.is_paused) == (True, False)
    thumbnails = states[QueueName.THUMBNAIL_GENERATION]
    assert thumbnails.statistics.waiting == 1 and not thumbnails.is_active
    assert states[QueueName.SEARCH].statistics.as_dict() == dict.fromkeys(
        ("active", "completed", "delayed", "failed", "paused", "waiting"), 0
    )


async def test_pause_moves_waiting_to_paused_and_resume_brings_it_back(database: Database) -> None:
    async with database.session() as session, session.begin():
        await enqueue(session, EXTRACT, {"id": "a"})
        await enqueue(session, EXTRACT, {"id": "b"})
        await pause_queue(session, QueueName.METADATA_EXTRACTION)
    async with database.session() as session:
        state = await queue_state(session, QueueName.METADATA_EXTRACTION)
        assert await is_paused(session, QueueName.METADATA_EXTRACTION)
        assert not await is_paused(session, QueueName.THUMBNAIL_GENERATION)
        paused_jobs = await list_queue_jobs(session, QueueName.METADATA_EXTRACTION, [QueueJobStatus.PAUSED])
        waiting_jobs = await list_queue_jobs(session, QueueName.METADATA_EXTRACTION, [QueueJobStatus.WAITING])
    assert state.is_paused
    assert (state.statistics.paused, state.statistics.waiting) == (2, 0)
    assert [job.data for job in paused_jobs] == [{"id": "a"}, {"id": "b"}]
    assert waiting_jobs == []

    async with database.session() as session, session.begin():
        await resume_queue(session, QueueName.METADATA_EXTRACTION)
    async with database.session() as session:
        state = await queue_state(session, QueueName.METADATA_EXTRACTION)
    assert not state.is_paused
    assert (state.statistics.paused, state.statistics.waiting) == (0, 2)


async def test_empty_deletes_jobs_not_started_and_clear_failed_deletes_failed(database: Database) -> None:
    async with database.session() as session, session.begin():
        for index in range(4):
            await enqueue(session, EXTRACT, {"id": str(index)})
        await enqueue(session, EXTRACT, {"id": "later"}, run_at=datetime.now(UTC) + timedelta(hours=1))
        running = await enqueue(session, EXTRACT, {"id": "running"})
        broken = await enqueue(session, EXTRACT, {"id": "broken"})
        other = await enqueue(session, JobName.ASSET_GENERATE_THUMBNAILS, {"id": "thumb"})
    async with database.session() as session, session.begin():
        await session.execute(update(Job).where(Job.id == running).values(status="active"))
        await session.execute(update(Job).where(Job.id == broken).values(status="failed", error="Error: x"))

    async with database.session() as session, session.begin():
        assert await empty_queue(session, QueueName.METADATA_EXTRACTION) == 5
    async with database.session() as session:
        state = await queue_state(session, QueueName.METADATA_EXTRACTION)
    assert state.statistics.as_dict() == {
        "active": 1,
        "completed": 0,
        "delayed": 0,
        "failed": 1,
        "paused": 0,
        "waiting": 0,
    }

    async with database.session() as session, session.begin():
        assert await clear_failed(session, QueueName.METADATA_EXTRACTION) == 1
    remaining = {job.id for job in await jobs_in_db(database)}
    assert remaining == {running, other}


async def test_jobs_of_a_queue_are_listed_by_status_with_immichs_fields(database: Database) -> None:
    async with database.session() as session, session.begin():
        waiting = await enqueue(session, EXTRACT, {"id": "w"})
        delayed = await enqueue(
            session, EXTRACT, {"id": "d"}, run_at=datetime.now(UTC) + timedelta(minutes=5)
        )
        failed = await enqueue(session, EXTRACT, {"id": "f"})
    async with database.session() as session, session.begin():
        await session.execute(update(Job).where(Job.id == failed).values(status="failed"))

    async with database.session() as session:
        listed = await list_queue_jobs(
            session, QueueName.METADATA_EXTRACTION, [QueueJobStatus.WAITING, QueueJobStatus.FAILED]
        )
        only_delayed = await list_queue_jobs(session, QueueName.METADATA_EXTRACTION, [QueueJobStatus.DELAYED])
    assert [(job.id, job.name, job.data) for job in listed] == [
        (str(waiting), JobName.ASSET_EXTRACT_METADATA, {"id": "w"}),
        (str(failed), JobName.ASSET_EXTRACT_METADATA, {"id": "f"}),
    ]
    now_ms = datetime.now(UTC).timestamp() * 1000
    assert all(abs(job.timestamp - now_ms) < 60_000 for job in listed)
    assert [job.id for job in only_delayed] == [str(delayed)]
