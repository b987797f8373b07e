"""The app's job handlers and cron schedule, built once per worker process."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from albumen.dto.config_admin import AdminConfig
from albumen.jobs import JobContext, JobName, JobRegistry, RetryPolicy, Schedule, ScheduledJob
from albumen.services.backups import backup_schedule, register_backup_jobs
from albumen.services.integrity import integrity_schedule
from albumen.services.integrity_checks import integrity_jobs
from albumen.services.memories import memory_jobs
from albumen.services.ml_jobs import ml_registry, queue_faces_and_ocr
from albumen.services.ml_search import queue_after_thumbnails, search_jobs
from albumen.services.notifications import notification_jobs, notification_schedule
from albumen.services.pipeline import (
    chain,
    deletion,
    metadata,
    nightly,
    storage_template,
    thumbnails,
    video,
)
from albumen.services.pipeline.context import PIPELINE_RETRY, Pipeline

PipelineHandler = Callable[[JobContext, Pipeline], Awaitable[None]]

#: One attempt: a "queue all" or cleanup job that failed is re-run by the next click or night.
ONCE = RetryPolicy(max_attempts=1)

HANDLERS: dict[JobName, tuple[PipelineHandler, RetryPolicy]] = {
    JobName.ASSET_EXTRACT_METADATA: (metadata.extract_metadata_job, PIPELINE_RETRY),
    JobName.ASSET_EXTRACT_METADATA_QUEUE_ALL: (metadata.queue_all_job, ONCE),
    JobName.STORAGE_TEMPLATE_MIGRATION_SINGLE: (storage_template.migrate_single_job, PIPELINE_RETRY),
    JobName.STORAGE_TEMPLATE_MIGRATION: (storage_template.migrate_all_job, ONCE),
    JobName.ASSET_GENERATE_THUMBNAILS: (thumbnails.generate_thumbnails_job, PIPELINE_RETRY),
    JobName.ASSET_GENERATE_THUMBNAILS_QUEUE_ALL: (thumbnails.queue_all_job, ONCE),
    JobName.ASSET_ENCODE_VIDEO: (video.encode_video_job, PIPELINE_RETRY),
    JobName.ASSET_ENCODE_VIDEO_QUEUE_ALL: (video.queue_all_job, ONCE),
    JobName.ASSET_DELETE: (deletion.asset_delete_job, PIPELINE_RETRY),
    JobName.ASSET_DELETE_CHECK: (deletion.asset_delete_check_job, ONCE),
    JobName.ASSET_EMPTY_TRASH: (deletion.empty_trash_job, PIPELINE_RETRY),
    JobName.USER_DELETE_CHECK: (nightly.user_delete_check_job, ONCE),
    JobName.SESSION_CLEANUP: (nightly.session_cleanup_job, ONCE),
    JobName.TAG_CLEANUP: (nightly.tag_cleanup_job, ONCE),
    JobName.PERSON_CLEANUP: (nightly.person_cleanup_job, ONCE),
}


def _backup_jobs(pipeline: Pipeline) -> JobRegistry:
    registry = JobRegistry()
    register_backup_jobs(registry, pipeline.settings)
    return registry


#: Handlers other features contribute, merged into the app's registry: each factory gets the worker's
#: Pipeline and returns a JobRegistry (machine learning adds its jobs the same way).
FEATURE_REGISTRIES: list[Callable[[Pipeline], JobRegistry]] = [
    _backup_jobs,
    integrity_jobs,
    memory_jobs,
    notification_jobs,
    search_jobs,
    ml_registry,
]

#: Cron entries other features contribute: each gets a callable returning the current (cached) admin
#: config and returns its ScheduledJobs (``backup.database.cronExpression``, ``integrityChecks.*``).
FEATURE_SCHEDULES: list[Callable[[Callable[[], AdminConfig | None]], list[ScheduledJob]]] = [
    backup_schedule,
    integrity_schedule,
    notification_schedule,
]

chain.AFTER_THUMBNAILS_HOOKS.append(queue_after_thumbnails)
chain.AFTER_THUMBNAILS_HOOKS.append(queue_faces_and_ocr)


def _bind(handler: PipelineHandler, pipeline: Pipeline) -> Callable[[JobContext], Awaitable[None]]:
    @functools.wraps(handler)
    async def run(ctx: JobContext) -> None:
        await handler(ctx, pipeline)

    return run


def build_registry(pipeline: Pipeline) -> JobRegistry:
    registry = JobRegistry()
    for name, (handler, retry) in HANDLERS.items():
        registry.register(name, _bind(handler, pipeline), retry=retry)
    return registry.merge(factory(pipeline) for factory in FEATURE_REGISTRIES)


def build_schedule(pipeline: Pipeline, registry: JobRegistry) -> Schedule:
    cache = pipeline.config_cache
    jobs = nightly.scheduled_jobs(cache, registry)
    for feature in FEATURE_SCHEDULES:
        jobs += [job for job in feature(lambda: cache.current) if registry.get(job.job) is not None]
    return Schedule(pipeline.database, jobs)
