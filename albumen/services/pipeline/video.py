"""``AssetEncodeVideo``: a playable MP4 in ``encoded-video/`` when Immich's ``ffmpeg`` policy asks for one."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from albumen.db.repositories.asset_pipeline import AssetPipelineRepository
from albumen.db.repositories.assets import AssetRepository
from albumen.jobs import JobContext, JobName
from albumen.media.formats import AssetType
from albumen.media.transcode import needs_transcode
from albumen.services.pipeline import chain, cpu
from albumen.services.pipeline.context import Pipeline, asset_id_of, guarded
from albumen.services.pipeline.metadata import original_in_place
from albumen.storage.base import StorageFolder, make_key

logger = logging.getLogger(__name__)

STEP = "video"
ENCODED_VIDEO = "encoded_video"


def encoded_video_key(owner_id: uuid.UUID, asset_id: uuid.UUID) -> str:
    """``encoded-video/<userId>/<ab>/<cd>/<assetId>.mp4``, Immich's layout."""
    text = str(asset_id)
    return make_key(StorageFolder.ENCODED_VIDEO, str(owner_id), text[0:2], text[2:4], f"{text}.mp4")


async def encode_video_job(ctx: JobContext, pipeline: Pipeline) -> None:
    asset_id = asset_id_of(ctx.data)
    config = await pipeline.config()
    async with ctx.database.session() as db:
        asset = await AssetRepository(db).get(asset_id)
    if asset is None or asset.type != AssetType.VIDEO:
        return
    path = await guarded(ctx, asset_id, STEP, original_in_place(pipeline, asset))
    if path is None:
        return
    info = await guarded(ctx, asset_id, STEP, ctx.run_cpu(cpu.probe_video, str(path)))
    if info is None:
        return
    ffmpeg_config = config.ffmpeg.model_dump(mode="json", by_alias=True)
    key = encoded_video_key(asset.owner_id, asset.id)
    if not needs_transcode(info, ffmpeg_config):
        await _store(ctx, pipeline, asset_id, None, asset.encoded_video_path)
        return
    target = pipeline.storage.local_path(key)
    encoded = await guarded(
        ctx, asset_id, STEP, ctx.run_cpu(cpu.encode_video, str(path), info, ffmpeg_config, str(target))
    )
    if encoded is None:
        return
    logger.info("asset %s: encoded video (%s re-encoded)", asset_id, encoded)
    await _store(ctx, pipeline, asset_id, key, asset.encoded_video_path)


async def _store(
    ctx: JobContext, pipeline: Pipeline, asset_id: uuid.UUID, key: str | None, previous: str | None
) -> None:
    """Record the encoded video (or that none is needed: the original plays as it is)."""
    async with ctx.database.session() as db, db.begin():
        repository = AssetPipelineRepository(db)
        if key is None:
            await repository.delete_files(asset_id, [ENCODED_VIDEO])
        else:
            await repository.upsert_files(asset_id, {ENCODED_VIDEO: key})
        assets = AssetRepository(db)
        await assets.update(asset_id, encoded_video_path=key)
        await assets.update_job_status(asset_id, video_encoded_at=datetime.now(UTC))
        await repository.clear_failure(asset_id, STEP)
    if previous is not None and previous != key:
        await pipeline.storage.delete(previous)


async def queue_all_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``AssetEncodeVideoQueueAll {force}``: every video, or those never encoded."""
    del pipeline
    await chain.queue_for_all_assets(
        ctx.database,
        JobName.ASSET_ENCODE_VIDEO,
        force=bool(ctx.data.get("force")),
        pending_step="video_encoded_at",
        asset_type=AssetType.VIDEO.value,
    )
