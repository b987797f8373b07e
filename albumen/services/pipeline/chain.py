"""Which job follows which after an upload (NOTES.md §7, Immich's job service ``onDone``):
metadata -> storage template -> thumbnails -> video encoding (and, later, machine learning).

Every next job is queued in the same transaction as the step's results, so a crash never loses the
chain: either the step's writes and its successor are committed together or neither is.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.engine import Database
from albumen.db.repositories.asset_pipeline import AssetPipelineRepository
from albumen.jobs import JobName, enqueue, enqueue_many
from albumen.media.formats import AssetType
from albumen.services.asset_events import announce_upload_ready
from albumen.services.pipeline.context import CHAINED_SOURCES

#: Run in the thumbnail job's transaction once an uploaded asset has its thumbnails:
#: ``hook(session, asset_id, asset_type)``. Machine learning appends the jobs Immich fans out to here
#: (SmartSearch, AssetDetectFaces, Ocr), queued with ``enqueue(session, ..., dedupe_key=str(asset_id))``.
AfterThumbnailsHook = Callable[[AsyncSession, uuid.UUID, str], Awaitable[None]]
AFTER_THUMBNAILS_HOOKS: list[AfterThumbnailsHook] = []


async def queue_asset_job(
    db: AsyncSession, name: JobName, asset_id: uuid.UUID, source: str | None = None
) -> None:
    data: dict[str, str] = {"id": str(asset_id)}
    if source is not None:
        data["source"] = source
    await enqueue(db, name, data, dedupe_key=str(asset_id))


async def after_metadata(
    db: AsyncSession, asset_id: uuid.UUID, source: str | None, *, template_enabled: bool
) -> None:
    # Immich always queues the template job; with the template off it would do nothing but pass the
    # asset on, so Albumen skips that hop (one job less per upload on a queue that runs one at a time).
    if template_enabled:
        await queue_asset_job(db, JobName.STORAGE_TEMPLATE_MIGRATION_SINGLE, asset_id, source)
    elif source in CHAINED_SOURCES:
        await queue_asset_job(db, JobName.ASSET_GENERATE_THUMBNAILS, asset_id, source)


async def after_storage_template(db: AsyncSession, asset_id: uuid.UUID, source: str | None) -> None:
    if source in CHAINED_SOURCES:
        await queue_asset_job(db, JobName.ASSET_GENERATE_THUMBNAILS, asset_id, source)


async def after_thumbnails(
    db: AsyncSession, asset_id: uuid.UUID, asset_type: str, source: str | None
) -> None:
    if source != "upload":
        return
    for hook in AFTER_THUMBNAILS_HOOKS:
        await hook(db, asset_id, asset_type)
    await announce_upload_ready(db, asset_id)
    if asset_type == AssetType.VIDEO:
        await queue_asset_job(db, JobName.ASSET_ENCODE_VIDEO, asset_id)


#: Ids read and jobs queued per transaction by the "queue all" jobs (Immich's JOBS_ASSET_PAGINATION_SIZE).
QUEUE_ALL_BATCH = 1000


async def queue_for_all_assets(
    database: Database,
    name: JobName,
    *,
    force: bool,
    pending_step: str | None,
    asset_type: str | None = None,
    with_hidden: bool = True,
) -> int:
    """The "queue all" jobs: queue ``name`` for every live asset (``force``), or only for those whose
    ``pending_step`` column of ``asset_job_status`` is still empty. Pages by id, one batch per
    transaction; returns how many jobs were queued."""
    queued = 0
    after: uuid.UUID | None = None
    while True:
        async with database.session() as db, db.begin():
            ids = await AssetPipelineRepository(db).page_asset_ids(
                after,
                QUEUE_ALL_BATCH,
                pending_step=None if force else pending_step,
                asset_type=asset_type,
                with_hidden=with_hidden,
            )
            if not ids:
                return queued
            queued += await enqueue_many(
                db, name, [{"id": str(asset_id)} for asset_id in ids], dedupe_keys=[str(i) for i in ids]
            )
        after = ids[-1]
