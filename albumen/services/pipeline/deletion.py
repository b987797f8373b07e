"""The deletion jobs; the hard delete itself is the trash's (``albumen.services.trash.purge_assets``).

``AssetDeleteCheck`` (nightly) purges what sat in the trash longer than ``trash.days`` (everything
trashed, with the trash disabled) and whatever an interrupted "empty trash" left marked ``deleted``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from albumen.jobs import JobContext
from albumen.services.pipeline.context import Pipeline, asset_id_of
from albumen.services.trash import purge_assets, purge_deleted, purge_expired

logger = logging.getLogger(__name__)


async def purge_trash(pipeline: Pipeline, now: datetime | None = None) -> int:
    """Delete for good what the trash settings say has expired; returns how many assets went."""
    config = await pipeline.config()
    days = config.trash.days if config.trash.enabled else 0
    async with pipeline.database.session() as db:
        purged = await purge_deleted(db, pipeline.storage)
        purged += await purge_expired(db, pipeline.storage, trash_days=days, now=now or datetime.now(UTC))
    return purged


async def asset_delete_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``AssetDelete {id}``: one asset, for good."""
    async with ctx.database.session() as db:
        await purge_assets(db, pipeline.storage, [asset_id_of(ctx.data)])


async def asset_delete_check_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``AssetDeleteCheck``: the nightly trash purge."""
    del ctx
    purged = await purge_trash(pipeline)
    if purged:
        logger.info("trash purge: %d assets deleted", purged)


async def empty_trash_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``AssetEmptyTrash``: finish emptying trashes (assets marked ``deleted``)."""
    del ctx
    async with pipeline.database.session() as db:
        await purge_deleted(db, pipeline.storage)
