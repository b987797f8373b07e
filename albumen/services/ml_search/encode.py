"""``SmartSearch(QueueAll)``: the CLIP embedding of an asset's preview, for ``/search/smart``.

The embedding's size is recorded with it (``smart_search.dim``): models differ, and a search only
compares embeddings of the query's size. When no ML service answers, the job waits (``RetryLater``);
a service that refuses the request (an unknown model) fails the step on the asset.
"""

from __future__ import annotations

from datetime import UTC, datetime

from albumen.db.repositories.asset_pipeline import AssetPipelineRepository
from albumen.db.repositories.assets import AssetRepository
from albumen.db.repositories.smart_search import SmartSearchRepository
from albumen.dto.config_admin import AdminConfigMachineLearningDto
from albumen.jobs import JobContext, JobName, enqueue
from albumen.services.ml_client import MachineLearningError
from albumen.services.ml_jobs.common import load_preview, ml_client, or_wait
from albumen.services.pipeline import chain
from albumen.services.pipeline.context import Pipeline, asset_id_of, record_failure

STEP = "smart_search"


def smart_search_enabled(config: AdminConfigMachineLearningDto) -> bool:
    return config.enabled and config.clip.enabled


async def encode_clip_job(ctx: JobContext, pipeline: Pipeline) -> None:
    config = (await pipeline.config()).machineLearning
    if not smart_search_enabled(config):
        return
    asset_id = asset_id_of(ctx.data)
    preview = await load_preview(ctx, pipeline, asset_id)
    if preview is None:
        return
    model_name = config.clip.modelName
    try:
        embedding = await or_wait(ml_client(config).encode_image(preview.data, model_name))
    except MachineLearningError as error:
        await record_failure(ctx.database, asset_id, STEP, error)
        return
    # Immich: an embedding of a model that was replaced while it ran would mix two spaces.
    if (await pipeline.config()).machineLearning.clip.modelName != model_name:
        return
    async with ctx.database.session() as db, db.begin():
        await SmartSearchRepository(db).upsert(asset_id, embedding)
        await AssetRepository(db).update_job_status(asset_id, smart_search_at=datetime.now(UTC))
        await AssetPipelineRepository(db).clear_failure(asset_id, STEP)
        # Immich chains duplicate detection after an upload's embedding. Its own key: the pHash run
        # queued after the thumbnails may still be running, and this one must see the embedding.
        if ctx.data.get("source") == "upload" and config.duplicateDetection.enabled:
            await enqueue(
                db, JobName.ASSET_DETECT_DUPLICATES, {"id": str(asset_id)}, dedupe_key=f"{asset_id}:clip"
            )


async def queue_all_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``SmartSearchQueueAll {force}``: every visible asset, or those never encoded."""
    if not smart_search_enabled((await pipeline.config()).machineLearning):
        return
    await chain.queue_for_all_assets(
        ctx.database,
        JobName.SMART_SEARCH,
        force=bool(ctx.data.get("force")),
        pending_step="smart_search_at",
        with_hidden=False,
    )
