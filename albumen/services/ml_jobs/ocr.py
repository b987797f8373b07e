"""``Ocr(QueueAll)``: the lines of text on an asset's preview, stored so ``/search/metadata`` ``ocr``
finds the asset (trigram index on ``asset_ocr.text``, migration 0003)."""

from __future__ import annotations

from datetime import UTC, datetime

from albumen.db.repositories.assets import AssetRepository
from albumen.db.repositories.ocr import OcrRepository, OcrRow
from albumen.dto.config_admin import AdminConfig
from albumen.jobs import JobContext, JobName
from albumen.services.ml_jobs.common import load_preview, ml_client, or_wait
from albumen.services.pipeline import chain
from albumen.services.pipeline.context import Pipeline, asset_id_of


def ocr_enabled(config: AdminConfig) -> bool:
    return config.machineLearning.enabled and config.machineLearning.ocr.enabled


async def ocr_job(ctx: JobContext, pipeline: Pipeline) -> None:
    config = await pipeline.config()
    if not ocr_enabled(config):
        return
    asset_id = asset_id_of(ctx.data)
    preview = await load_preview(ctx, pipeline, asset_id)
    if preview is None:
        return
    lines = await or_wait(ml_client(config.machineLearning).ocr(preview.data, config.machineLearning.ocr))
    rows = [OcrRow(line.text, line.box, line.box_score, line.text_score) for line in lines]
    async with ctx.database.session() as db, db.begin():
        await OcrRepository(db).replace(asset_id, rows)
        await AssetRepository(db).update_job_status(asset_id, ocr_at=datetime.now(UTC))


async def queue_all_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``OcrQueueAll {force}``: every visible asset, or those never read."""
    config = await pipeline.config()
    if not ocr_enabled(config):
        return
    await chain.queue_for_all_assets(
        ctx.database,
        JobName.OCR,
        force=bool(ctx.data.get("force")),
        pending_step="ocr_at",
        with_hidden=False,
    )
