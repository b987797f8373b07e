"""``AssetGenerateThumbnails``: the 250 px WebP thumbnail, the 1440 px JPEG preview, the optional
fullsize JPEG and the thumbhash of a photo, or of a video's poster frame.

Decoding and resizing run in the worker's process pool. A file no decoder can read leaves the asset
without thumbnails and with ``asset_job_status.failed_step = 'thumbnail'``, after one attempt.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from albumen.db.repositories.asset_pipeline import AssetPipelineRepository
from albumen.db.repositories.assets import AssetRepository
from albumen.db.tables import Asset, AssetExif
from albumen.jobs import JobContext, JobName
from albumen.media.formats import AssetType
from albumen.media.thumbnails import ThumbnailResult
from albumen.services.pipeline import chain, cpu
from albumen.services.pipeline.context import Pipeline, asset_id_of, guarded
from albumen.services.pipeline.metadata import original_in_place
from albumen.storage.base import StorageFolder, make_key

STEP = "thumbnail"
KINDS = ("thumbnail", "preview", "fullsize")


def thumbnail_key(owner_id: uuid.UUID, asset_id: uuid.UUID, kind: str, image_format: str) -> str:
    """``thumbs/<userId>/<ab>/<cd>/<assetId>-<kind>.<format>``, Immich's layout."""
    text = str(asset_id)
    return make_key(
        StorageFolder.THUMBNAILS, str(owner_id), text[0:2], text[2:4], f"{text}-{kind}.{image_format}"
    )


def _orientation(exif: AssetExif | None) -> int | None:
    value = exif.orientation if exif is not None else None
    return int(value) if value is not None and value.isdigit() else None


async def generate_thumbnails_job(ctx: JobContext, pipeline: Pipeline) -> None:
    asset_id = asset_id_of(ctx.data)
    source: str | None = ctx.data.get("source")
    config = await pipeline.config()
    async with ctx.database.session() as db:
        loaded = await AssetPipelineRepository(db).get_with_exif(asset_id)
    if loaded is None:
        return
    asset, exif = loaded
    # Immich skips hidden assets: the video half of a live photo is never shown on its own.
    if asset.visibility == "hidden" or asset.type not in (AssetType.IMAGE, AssetType.VIDEO):
        return
    path = await guarded(ctx, asset_id, STEP, original_in_place(pipeline, asset))
    if path is None:
        return
    image_config = config.image.model_dump(mode="json", by_alias=True)
    keys = {
        "thumbnail": thumbnail_key(asset.owner_id, asset.id, "thumbnail", config.image.thumbnail.format),
        "preview": thumbnail_key(asset.owner_id, asset.id, "preview", config.image.preview.format),
        "fullsize": thumbnail_key(asset.owner_id, asset.id, "fullsize", config.image.fullsize.format),
    }
    local = {kind: str(pipeline.storage.local_path(key)) for kind, key in keys.items()}
    if asset.type == AssetType.IMAGE:
        work = ctx.run_cpu(
            cpu.image_thumbnails,
            str(path),
            _orientation(exif),
            image_config,
            local["thumbnail"],
            local["preview"],
            local["fullsize"],
        )
    else:
        work = ctx.run_cpu(
            cpu.video_thumbnails, str(path), image_config, local["thumbnail"], local["preview"]
        )
    result = await guarded(ctx, asset_id, STEP, work)
    if result is None:
        return
    await _store(ctx, pipeline, asset, keys, result, source)


async def _store(
    ctx: JobContext,
    pipeline: Pipeline,
    asset: Asset,
    keys: dict[str, str],
    result: ThumbnailResult,
    source: str | None,
) -> None:
    made = {"thumbnail": keys["thumbnail"], "preview": keys["preview"]}
    if result.fullsize is not None:
        made["fullsize"] = keys["fullsize"]
    async with ctx.database.session() as db, db.begin():
        repository = AssetPipelineRepository(db)
        previous = await repository.files(asset.id)
        await repository.upsert_files(asset.id, made)
        await repository.delete_files(
            asset.id, [kind for kind in KINDS if kind in previous and kind not in made]
        )
        values: dict[str, object] = {"thumbhash": result.thumbhash}
        if asset.type == AssetType.IMAGE and result.width and result.height:
            values.update(width=result.width, height=result.height)
        assets = AssetRepository(db)
        await assets.update(asset.id, **values)
        await assets.update_job_status(asset.id, thumbnail_generated_at=datetime.now(UTC))
        await repository.clear_failure(asset.id, STEP)
        await chain.after_thumbnails(db, asset.id, asset.type, source)
    # A format change in the config leaves the old files behind under other names.
    for kind, old_key in previous.items():
        if kind in KINDS and old_key != made.get(kind):
            await pipeline.storage.delete(old_key)


async def queue_all_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``AssetGenerateThumbnailsQueueAll {force}``: every visible asset, or those without thumbnails."""
    del pipeline
    await chain.queue_for_all_assets(
        ctx.database,
        JobName.ASSET_GENERATE_THUMBNAILS,
        force=bool(ctx.data.get("force")),
        pending_step="thumbnail_generated_at",
        with_hidden=False,
    )
