"""``AssetExtractMetadata``: what the file says about itself, into ``asset``, ``asset_exif`` and tags.

exiftool and reverse geocoding run in the worker's process pool; the database writes, the live-photo
pairing and the next job of the chain are one transaction on the event loop.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_pipeline import AssetPipelineRepository
from albumen.db.repositories.assets import AssetRepository
from albumen.db.tables import Asset, AssetExif
from albumen.jobs import JobContext, JobName
from albumen.media.errors import MediaError
from albumen.media.ffprobe import VideoInfo
from albumen.media.formats import AssetType
from albumen.media.metadata import ExtractedMetadata
from albumen.services.asset_upload import adopt_staged
from albumen.services.pipeline import chain, cpu
from albumen.services.pipeline.context import Pipeline, asset_id_of, guarded
from albumen.services.pipeline.live_photos import apply_motion_photo, link_live_photo
from albumen.services.pipeline.tags import apply_file_tags

logger = logging.getLogger(__name__)

STEP = "metadata"

#: Immich's lockable exif properties (``asset_exif.locked_properties``, set when a user edits them in
#: the app): metadata extraction leaves those columns alone.
LOCKABLE_COLUMNS = {
    "description": ("description",),
    "dateTimeOriginal": ("date_time_original",),
    "timeZone": ("time_zone",),
    "latitude": ("latitude", "city", "state", "country"),
    "longitude": ("longitude", "city", "state", "country"),
    "rating": ("rating",),
    "tags": ("tags",),
}


async def extract_metadata_job(ctx: JobContext, pipeline: Pipeline) -> None:
    asset_id = asset_id_of(ctx.data)
    source: str | None = ctx.data.get("source")
    config = await pipeline.config()
    async with ctx.database.session() as db:
        loaded = await AssetPipelineRepository(db).get_with_exif(asset_id)
    if loaded is None:
        return  # deleted since it was queued
    asset, exif = loaded
    path = await guarded(ctx, asset_id, STEP, original_in_place(pipeline, asset))
    if path is None:
        return
    sidecar = _sidecar(pipeline, asset)
    earliest = min(asset.file_created_at, asset.file_modified_at)
    metadata = await guarded(
        ctx,
        asset_id,
        STEP,
        ctx.run_cpu(cpu.read_metadata, str(path), sidecar, earliest, config.reverseGeocoding.enabled),
    )
    video = await _probe(ctx, path) if asset.type == AssetType.VIDEO else None
    async with ctx.database.session() as db, db.begin():
        if metadata is not None:
            await _store(db, asset, exif, metadata, video)
            await link_live_photo(db, asset, metadata.live_photo_cid)
        await AssetRepository(db).update_job_status(asset_id, metadata_extracted_at=datetime.now(UTC))
        if metadata is not None:
            await AssetPipelineRepository(db).clear_failure(asset_id, STEP)
        await chain.after_metadata(db, asset_id, source, template_enabled=config.storageTemplate.enabled)
    if metadata is not None and metadata.motion_photo is not None and asset.type == AssetType.IMAGE:
        await apply_motion_photo(ctx, pipeline, asset_id, path, metadata)


async def original_in_place(pipeline: Pipeline, asset: Asset) -> Path:
    """The original's path; an upload whose request committed but has not yet moved its staged file
    is moved here (the job may win that race). Raises FileNotFoundError (retried) when absent."""
    path = pipeline.storage.local_path(asset.original_path)
    if not path.exists() and asset.library_id is None:
        await adopt_staged(pipeline.storage, asset.id, asset.original_path, asset.sidecar_path)
    if not path.exists():
        raise FileNotFoundError(f"original file of asset {asset.id} is missing: {asset.original_path}")
    return path


def _sidecar(pipeline: Pipeline, asset: Asset) -> str | None:
    if asset.sidecar_path is None:
        return None
    path = pipeline.storage.local_path(asset.sidecar_path)
    return str(path) if path.exists() else None


async def _probe(ctx: JobContext, path: Path) -> VideoInfo | None:
    """ffprobe's view of a video (duration, size); None when it can't read it (the thumbnail step
    records that failure)."""
    try:
        return await ctx.run_cpu(cpu.probe_video, str(path))
    except MediaError as error:
        logger.info("asset %s: ffprobe could not read the video: %s", ctx.data.get("id"), error)
        return None


def _duration_ms(metadata: ExtractedMetadata, video: VideoInfo | None) -> int | None:
    if video is not None and video.duration_ms > 0:
        return video.duration_ms
    if not metadata.duration:
        return None
    try:
        hours, minutes, seconds = metadata.duration.split(":")
        return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)
    except ValueError:
        return None


def exif_values(asset: Asset, metadata: ExtractedMetadata, video: VideoInfo | None) -> dict[str, Any]:
    fps = metadata.fps if metadata.fps is not None else (video.fps if video and video.fps else None)
    return {
        "make": metadata.make,
        "model": metadata.model,
        "lens_model": metadata.lens_model,
        "exif_image_width": metadata.exif_image_width,
        "exif_image_height": metadata.exif_image_height,
        "file_size_in_byte": metadata.file_size_in_byte,
        "orientation": metadata.orientation,
        "date_time_original": metadata.date_time_original,
        # Immich stores the file's mtime, which its upload sets to the client's fileModifiedAt.
        "modify_date": asset.file_modified_at,
        "time_zone": metadata.time_zone,
        "latitude": metadata.latitude,
        "longitude": metadata.longitude,
        "city": metadata.city,
        "state": metadata.state,
        "country": metadata.country,
        "projection_type": metadata.projection_type,
        "description": metadata.description,
        "f_number": metadata.f_number,
        "focal_length": metadata.focal_length,
        "iso": metadata.iso,
        "exposure_time": metadata.exposure_time,
        "profile_description": metadata.profile_description,
        "colorspace": metadata.colorspace,
        "bits_per_sample": metadata.bits_per_sample,
        "auto_stack_id": metadata.auto_stack_id,
        "live_photo_cid": metadata.live_photo_cid,
        "fps": fps,
        "rating": metadata.rating,
        "tags": list(metadata.tags) or None,
    }


def asset_values(
    asset: Asset, metadata: ExtractedMetadata, video: VideoInfo | None, *, dates_locked: bool
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if not dates_locked:
        values["file_created_at"] = metadata.date_time_original
        values["local_date_time"] = metadata.local_date_time
    width, height = metadata.width, metadata.height
    if video is not None and video.width and video.height:
        width, height = video.width, video.height
    if width and height:
        values["width"], values["height"] = width, height
    if asset.type == AssetType.VIDEO:
        duration = _duration_ms(metadata, video)
        if duration is not None:
            values["duration_ms"] = duration
    return values


async def _store(
    db: AsyncSession,
    asset: Asset,
    exif: AssetExif | None,
    metadata: ExtractedMetadata,
    video: VideoInfo | None,
) -> None:
    locked = set(exif.locked_properties or []) if exif is not None else set()
    values = exif_values(asset, metadata, video)
    for name in locked:
        for column in LOCKABLE_COLUMNS.get(name, ()):
            values.pop(column, None)
    assets = AssetRepository(db)
    await assets.upsert_exif(asset.id, **values)
    updates = asset_values(asset, metadata, video, dates_locked="dateTimeOriginal" in locked)
    if updates:
        await assets.update(asset.id, **updates)
    if "tags" not in locked:
        previous = exif.tags if exif is not None else None
        await apply_file_tags(db, asset.id, asset.owner_id, metadata.tags, previous)


async def queue_all_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``AssetExtractMetadataQueueAll {force}``: every asset, or those never extracted."""
    await chain.queue_for_all_assets(
        ctx.database,
        JobName.ASSET_EXTRACT_METADATA,
        force=bool(ctx.data.get("force")),
        pending_step="metadata_extracted_at",
    )
