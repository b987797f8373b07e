"""What every pipeline handler needs: settings, storage, the cached admin config, and failure bookkeeping."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.repositories.asset_pipeline import AssetPipelineRepository
from albumen.dto.config_admin import AdminConfig
from albumen.jobs import JobContext, RetryPolicy
from albumen.media.errors import MediaError, MediaToolError
from albumen.services.system_config import get_config, get_defaults
from albumen.storage.local import LocalStorage

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Every per-asset pipeline job: three attempts, 10 s then 20 s apart. Only transient failures use them
#: (see :func:`guarded`); a file that cannot be decoded fails once and for all.
PIPELINE_RETRY = RetryPolicy(max_attempts=3, backoff_seconds=10.0)

#: ``job.data["source"]`` of a freshly uploaded asset: its metadata job chains the template move and the
#: thumbnails, as Immich's job service does for ``upload`` and ``copy``.
CHAINED_SOURCES = frozenset({"upload", "copy"})


class ConfigCache:
    """The admin config as last read, for callers that must answer synchronously (the cron
    expressions) or often (the worker's concurrency on every claim round)."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self.current: AdminConfig = get_defaults(settings)

    async def refresh(self) -> AdminConfig:
        # get_config caches per engine for a few seconds, so this is cheap on every claim round.
        async with self.database.session() as db:
            self.current = await get_config(db, self.settings)
        return self.current

    async def job_concurrency(self) -> Mapping[str, Any]:
        """The worker's ``ConcurrencySource``: ``job.<queue>.concurrency`` from the admin config."""
        config = await self.refresh()
        return config.job.model_dump(mode="json", by_alias=True)


@dataclass
class Pipeline:
    """Shared by the handlers of one worker process."""

    database: Database
    settings: Settings
    config_cache: ConfigCache = field(init=False)
    storage: LocalStorage = field(init=False)

    def __post_init__(self) -> None:
        self.config_cache = ConfigCache(self.database, self.settings)
        self.storage = LocalStorage(self.settings.media_root)

    async def config(self) -> AdminConfig:
        return await self.config_cache.refresh()


def asset_id_of(data: Mapping[str, Any]) -> uuid.UUID:
    return uuid.UUID(str(data["id"]))


def is_last_attempt(ctx: JobContext) -> bool:
    return ctx.attempt >= PIPELINE_RETRY.max_attempts


def is_transient(error: BaseException) -> bool:
    """Worth another attempt: a tool that timed out or is missing, a vanished file, the database.
    A decoder's verdict on the bytes (corrupt, unsupported, too large) is final."""
    if isinstance(error, MediaError):
        return isinstance(error, MediaToolError)
    return True


async def record_failure(database: Database, asset_id: uuid.UUID, step: str, error: BaseException) -> None:
    reason = str(error) or type(error).__name__
    logger.warning("asset %s: %s failed: %s", asset_id, step, reason)
    async with database.session() as db, db.begin():
        await AssetPipelineRepository(db).record_failure(asset_id, step, reason)


async def guarded(ctx: JobContext, asset_id: uuid.UUID, step: str, work: Awaitable[T]) -> T | None:
    """Await ``work``; on a failure that retrying cannot fix, record it on the asset
    (``asset_job_status.failed_step/failure_reason``) and return None, so the job ends without retries.

    Transient failures re-raise for the worker's retry; on the last attempt they are recorded first.
    """
    try:
        return await work
    except Exception as error:
        if is_transient(error) and not is_last_attempt(ctx):
            raise
        await record_failure(ctx.database, asset_id, step, error)
        if is_transient(error):
            raise
        return None
