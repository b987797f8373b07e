"""Live photos (an Apple still and its video, paired by ContentIdentifier) and Android motion photos
(a still with its video embedded, extracted as a hidden video asset), as Immich's metadata job does."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_pipeline import AssetPipelineRepository
from albumen.db.repositories.assets import AssetRepository
from albumen.db.tables import Asset
from albumen.jobs import JobContext, JobName
from albumen.media.formats import AssetType
from albumen.media.metadata import ExtractedMetadata
from albumen.services.pipeline import cpu
from albumen.services.pipeline.chain import queue_asset_job
from albumen.services.pipeline.context import Pipeline
from albumen.storage.base import StorageFolder, make_key

logger = logging.getLogger(__name__)

HIDDEN = "hidden"


async def link_live_photo(db: AsyncSession, asset: Asset, cid: str | None) -> None:
    """Pair the asset with the other half of its live photo: the still points at the video, which is
    hidden from the timeline and taken out of albums. Either half may be processed first."""
    if not cid or asset.type not in (AssetType.IMAGE, AssetType.VIDEO):
        return
    other_type = AssetType.IMAGE if asset.type == AssetType.VIDEO else AssetType.VIDEO
    repository = AssetPipelineRepository(db)
    match = await repository.find_live_photo_match(
        cid=cid, owner_id=asset.owner_id, library_id=asset.library_id, other_id=asset.id, type=other_type
    )
    if match is None:
        return
    still, motion = (asset, match) if asset.type == AssetType.IMAGE else (match, asset)
    assets = AssetRepository(db)
    await assets.update(still.id, live_photo_video_id=motion.id)
    await assets.update(motion.id, visibility=HIDDEN)
    await repository.remove_from_all_albums(motion.id)


def motion_video_key(owner_id: uuid.UUID, motion_id: uuid.UUID) -> str:
    """``encoded-video/<userId>/<ab>/<cd>/<id>-MP.mp4``: Immich's place for extracted motion videos
    (the storage template leaves them there)."""
    text = str(motion_id)
    return make_key(StorageFolder.ENCODED_VIDEO, str(owner_id), text[0:2], text[2:4], f"{text}-MP.mp4")


def is_motion_video_key(key: str) -> bool:
    return key.startswith(f"{StorageFolder.ENCODED_VIDEO.value}/") and key.endswith("-MP.mp4")


async def apply_motion_photo(
    ctx: JobContext, pipeline: Pipeline, still_id: uuid.UUID, path: Path, metadata: ExtractedMetadata
) -> None:
    """Extract a motion photo's embedded video as a hidden VIDEO asset linked to the still.

    A video with the same checksum that the owner already has is reused. Failures are logged, not
    raised: the still itself is fine without its motion part (Immich does the same).
    """
    motion = metadata.motion_photo
    assert motion is not None
    async with ctx.database.session() as db:
        still = await AssetRepository(db).get(still_id)
    if still is None:
        return
    new_id = uuid.uuid4()
    new_key = motion_video_key(still.owner_id, new_id)
    written = pipeline.storage.local_path(new_key)
    try:
        saved = await ctx.run_cpu(cpu.save_motion_video, str(path), motion, str(written))
        if saved is None:
            return
        async with ctx.database.session() as db, db.begin():
            motion_asset, created = await _motion_asset(db, still, metadata, saved, new_id, new_key)
            if still.live_photo_video_id != motion_asset.id:
                await AssetRepository(db).update(still.id, live_photo_video_id=motion_asset.id)
                if still.live_photo_video_id is not None:
                    # The old video's checksum differs from the one just extracted: it is stale.
                    await queue_asset_job(db, JobName.ASSET_DELETE, still.live_photo_video_id)
            target = pipeline.storage.local_path(motion_asset.original_path)
            if created or not target.exists():
                if not created:
                    await pipeline.storage.adopt(written, motion_asset.original_path)
                await queue_asset_job(db, JobName.ASSET_EXTRACT_METADATA, motion_asset.id, "motion-photo")
                await queue_asset_job(db, JobName.ASSET_ENCODE_VIDEO, motion_asset.id)
    except Exception:
        logger.exception("asset %s: extracting the motion photo video failed", still_id)
        written.unlink(missing_ok=True)
        return
    if not created:
        written.unlink(missing_ok=True)


async def _motion_asset(
    db: AsyncSession,
    still: Asset,
    metadata: ExtractedMetadata,
    saved: cpu.SavedVideo,
    new_id: uuid.UUID,
    new_key: str,
) -> tuple[Asset, bool]:
    """The owner's video asset with the extracted video's checksum, created (hidden) when missing."""
    assets = AssetRepository(db)
    existing = await assets.get_by_checksum(still.owner_id, saved.sha1)
    if existing is not None:
        if existing.visibility == "timeline":
            await assets.update(existing.id, visibility=HIDDEN)
        return existing, False
    created = await assets.create(
        id=new_id,
        owner_id=still.owner_id,
        library_id=still.library_id,
        type=AssetType.VIDEO.value,
        original_path=new_key,
        original_file_name=f"{Path(still.original_file_name).stem}.mp4",
        checksum=saved.sha1,
        file_size=saved.size,
        file_created_at=metadata.date_time_original,
        file_modified_at=still.file_modified_at,
        local_date_time=metadata.local_date_time,
        visibility=HIDDEN,
    )
    await assets.create_exif(asset_id=new_id, file_size_in_byte=saved.size)
    await assets.create_job_status(new_id)
    if not still.is_external:
        await assets.add_usage(still.owner_id, saved.size)
    return created, True
