"""``AssetDetectDuplicates(QueueAll)``: group an asset with the owner's copies of the same picture.

Two signals, either enough: a perceptual hash of the thumbnail within a few bits (re-encoded,
resized, metadata-stripped copies; no model needed, so this part always runs), and, once the asset
has a CLIP embedding, Immich's cosine distance within ``duplicateDetection.maxDistance``. Groups are
merged as Immich merges them: the asset joins (and unites) the groups of what it matches.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from albumen.db.repositories.asset_pipeline import AssetPipelineRepository
from albumen.db.repositories.assets import AssetRepository
from albumen.db.repositories.duplicates import DuplicateCandidate, DuplicateRepository
from albumen.db.tables import Asset
from albumen.jobs import JobContext, JobName
from albumen.media.phash import MAX_DISTANCE, band_probes, bands, phash_file
from albumen.services.ml_search.encode import smart_search_enabled
from albumen.services.pipeline import chain
from albumen.services.pipeline.context import Pipeline, asset_id_of, guarded

STEP = "duplicate_detection"
#: Immich leaves these out of duplicate groups: a live photo's video half and the locked folder.
SKIPPED_VISIBILITIES = ("hidden", "locked")


async def detect_duplicates_job(ctx: JobContext, pipeline: Pipeline) -> None:
    config = (await pipeline.config()).machineLearning
    if not config.duplicateDetection.enabled:
        return
    asset_id = asset_id_of(ctx.data)
    async with ctx.database.session() as db:
        asset = await AssetRepository(db).get(asset_id)
        files = await AssetPipelineRepository(db).files(asset_id)
    if asset is None or asset.stack_id is not None or asset.deleted_at is not None:
        return
    key = files.get("thumbnail") or files.get("preview")
    if asset.visibility in SKIPPED_VISIBILITIES or key is None:
        return
    value = await guarded(ctx, asset_id, STEP, ctx.run_cpu(phash_file, str(pipeline.storage.local_path(key))))
    if value is None:
        return
    async with ctx.database.session() as db, db.begin():
        duplicates = DuplicateRepository(db)
        await duplicates.save_phash(asset_id, value, bands(value))
        matches = await duplicates.phash_matches(asset, value, band_probes(value), MAX_DISTANCE)
        if smart_search_enabled(config):
            matches += await duplicates.clip_matches(asset, config.duplicateDetection.maxDistance)
        found = {match.asset_id: match for match in matches}
        assets = AssetRepository(db)
        updated = [asset_id]
        if found:
            updated = await _join_groups(duplicates, asset, list(found.values()))
        elif asset.duplicate_id is not None:
            await assets.update(asset_id, duplicate_id=None)
        detected_at = datetime.now(UTC)
        for changed in updated:
            await assets.update_job_status(changed, duplicates_detected_at=detected_at)


async def _join_groups(
    duplicates: DuplicateRepository, asset: Asset, matches: list[DuplicateCandidate]
) -> list[uuid.UUID]:
    """Immich's rule: the asset's own group wins, else the first matched group, else a new one; every
    other matched group is folded into it. Returns the assets whose group changed."""
    group_ids = list(dict.fromkeys(match.duplicate_id for match in matches if match.duplicate_id))
    target = asset.duplicate_id or (group_ids.pop(0) if group_ids else uuid.uuid4())
    moved = [match.asset_id for match in matches if match.duplicate_id != target] + [asset.id]
    await duplicates.merge(target, moved, [group for group in group_ids if group != target])
    return moved


async def queue_all_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``AssetDetectDuplicatesQueueAll {force}``: every visible asset, or those never checked."""
    if not (await pipeline.config()).machineLearning.duplicateDetection.enabled:
        return
    await chain.queue_for_all_assets(
        ctx.database,
        JobName.ASSET_DETECT_DUPLICATES,
        force=bool(ctx.data.get("force")),
        pending_step="duplicates_detected_at",
        with_hidden=False,
    )
