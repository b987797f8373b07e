"""Smart search (CLIP embeddings) and duplicate detection jobs, contributed to the app's registry."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.jobs import JobContext, JobName, JobRegistry, RetryPolicy, enqueue
from albumen.services.ml_search import detect_duplicates, encode
from albumen.services.pipeline.context import PIPELINE_RETRY, Pipeline

#: A "queue all" that failed is re-run by the next click.
ONCE = RetryPolicy(max_attempts=1)

HANDLERS = {
    JobName.SMART_SEARCH: (encode.encode_clip_job, PIPELINE_RETRY),
    JobName.SMART_SEARCH_QUEUE_ALL: (encode.queue_all_job, ONCE),
    JobName.ASSET_DETECT_DUPLICATES: (detect_duplicates.detect_duplicates_job, PIPELINE_RETRY),
    JobName.ASSET_DETECT_DUPLICATES_QUEUE_ALL: (detect_duplicates.queue_all_job, ONCE),
}


def search_jobs(pipeline: Pipeline) -> JobRegistry:
    registry = JobRegistry()
    for name, (handler, retry) in HANDLERS.items():
        registry.register(name, _bound(handler, pipeline), retry=retry)
    return registry


def _bound(
    handler: Callable[[JobContext, Pipeline], Awaitable[None]], pipeline: Pipeline
) -> Callable[[JobContext], Awaitable[None]]:
    @functools.wraps(handler)
    async def run(ctx: JobContext) -> None:
        await handler(ctx, pipeline)

    return run


async def queue_after_thumbnails(db: AsyncSession, asset_id: uuid.UUID, asset_type: str) -> None:
    """Immich fans out to ``SmartSearch`` after an upload's thumbnails; Albumen also queues the
    duplicate check at once, since its perceptual-hash half needs no embedding."""
    del asset_type
    upload = {"id": str(asset_id), "source": "upload"}
    await enqueue(db, JobName.SMART_SEARCH, upload, dedupe_key=str(asset_id))
    await enqueue(db, JobName.ASSET_DETECT_DUPLICATES, {"id": str(asset_id)}, dedupe_key=str(asset_id))
