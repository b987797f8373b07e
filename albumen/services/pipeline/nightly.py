"""The nightly tasks (``nightlyTasks.startTime``) and the cleanup jobs they queue, as Immich's job
service does."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from albumen.db.repositories.cleanup import CleanupRepository
from albumen.db.repositories.sessions import SessionRepository
from albumen.dto.config_admin import AdminConfig
from albumen.jobs import JobContext, JobName, JobRegistry, ScheduledJob, daily_at
from albumen.services.pipeline.context import ConfigCache, Pipeline
from albumen.services.users_admin import purge_deleted_users

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now().astimezone()


async def user_delete_check_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``UserDeleteCheck``: purge users deleted more than ``user.deleteDelay`` days ago."""
    config = await pipeline.config()
    async with ctx.database.session() as db:
        purged = await purge_deleted_users(db, _now(), config.user.deleteDelay, storage=pipeline.storage)
    if purged:
        logger.info("purged %d deleted users", len(purged))


async def session_cleanup_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``SessionCleanup``: drop expired sessions."""
    del pipeline
    async with ctx.database.session() as db, db.begin():
        await SessionRepository(db).delete_expired(_now())


async def tag_cleanup_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``TagCleanup``: drop tags no asset carries, directly or through a child tag."""
    del pipeline
    async with ctx.database.session() as db, db.begin():
        await CleanupRepository(db).delete_empty_tags()


async def person_cleanup_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``PersonCleanup``: drop people left without faces."""
    del pipeline
    async with ctx.database.session() as db, db.begin():
        await CleanupRepository(db).delete_people_without_faces()


#: (whether the admin config wants it, job) for the nightly run at ``nightlyTasks.startTime``.
NIGHTLY_JOBS: tuple[tuple[Callable[[AdminConfig], bool], JobName], ...] = (
    (lambda config: config.nightlyTasks.databaseCleanup, JobName.ASSET_DELETE_CHECK),
    (lambda config: config.nightlyTasks.databaseCleanup, JobName.USER_DELETE_CHECK),
    (lambda config: config.nightlyTasks.databaseCleanup, JobName.PERSON_CLEANUP),
    (lambda config: config.nightlyTasks.databaseCleanup, JobName.MEMORY_CLEANUP),
    (lambda config: config.nightlyTasks.databaseCleanup, JobName.SESSION_CLEANUP),
    (lambda config: config.nightlyTasks.databaseCleanup, JobName.TAG_CLEANUP),
    (lambda config: config.nightlyTasks.databaseCleanup, JobName.AUDIT_TABLE_CLEANUP),
    (lambda config: config.nightlyTasks.generateMemories, JobName.MEMORY_GENERATE),
    (lambda config: config.nightlyTasks.syncQuotaUsage, JobName.USER_SYNC_USAGE),
    (lambda config: config.nightlyTasks.missingThumbnails, JobName.ASSET_GENERATE_THUMBNAILS_QUEUE_ALL),
    (lambda config: config.nightlyTasks.clusterNewFaces, JobName.FACIAL_RECOGNITION_QUEUE_ALL),
)


def scheduled_jobs(cache: ConfigCache, registry: JobRegistry) -> list[ScheduledJob]:
    """The nightly entries for the jobs ``registry`` can run (a job nothing handles is not scheduled,
    so it cannot pile up). Expressions are read from the cached admin config on every check."""

    def nightly(enabled: Callable[[AdminConfig], bool]) -> Callable[[], str | None]:
        def expression() -> str | None:
            config = cache.current
            return daily_at(config.nightlyTasks.startTime) if enabled(config) else None

        return expression

    return [
        ScheduledJob(f"nightly:{job}", nightly(enabled), job, {}, dedupe_key=f"nightly:{job}")
        for enabled, job in NIGHTLY_JOBS
        if registry.get(job) is not None
    ]
