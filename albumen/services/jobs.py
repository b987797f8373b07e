"""The Jobs and Queues APIs: queue counts, pause/resume/empty, starting "queue all" jobs, manual jobs,
and per-asset jobs (Immich's queue and job services, NOTES.md §7)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.dto.jobs import (
    AssetJobName,
    AssetJobsDto,
    ManualJobName,
    QueueCommandDto,
    QueueDeleteDto,
    QueueJobResponseDto,
    QueueResponseDto,
    QueueResponseLegacyDto,
    QueuesResponseLegacyDto,
    QueueUpdateDto,
    to_queue_dto,
    to_queue_legacy_dto,
)
from albumen.jobs import (
    QUEUE_START_JOB,
    JobName,
    QueueCommand,
    QueueJobStatus,
    QueueName,
    clear_failed,
    empty_queue,
    enqueue,
    enqueue_many,
    list_queue_jobs,
    pause_queue,
    queue_state,
    queue_states,
    resume_queue,
)
from albumen.permissions import Permission
from albumen.services.access import require_assets
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError

#: ``POST /api/jobs {name}``: the job each manual name queues, with its data (Immich's asJobItem).
MANUAL_JOBS: dict[ManualJobName, tuple[JobName, dict[str, Any]]] = {
    ManualJobName.PERSON_CLEANUP: (JobName.PERSON_CLEANUP, {}),
    ManualJobName.TAG_CLEANUP: (JobName.TAG_CLEANUP, {}),
    ManualJobName.USER_CLEANUP: (JobName.USER_DELETE_CHECK, {}),
    ManualJobName.MEMORY_CLEANUP: (JobName.MEMORY_CLEANUP, {}),
    ManualJobName.MEMORY_CREATE: (JobName.MEMORY_GENERATE, {}),
    ManualJobName.BACKUP_DATABASE: (JobName.DATABASE_BACKUP, {}),
    ManualJobName.INTEGRITY_MISSING_FILES: (JobName.INTEGRITY_MISSING_FILES_QUEUE_ALL, {}),
    ManualJobName.INTEGRITY_UNTRACKED_FILES: (JobName.INTEGRITY_UNTRACKED_FILES_QUEUE_ALL, {}),
    ManualJobName.INTEGRITY_CHECKSUM_MISMATCH: (JobName.INTEGRITY_CHECKSUM_FILES, {}),
    ManualJobName.INTEGRITY_MISSING_FILES_REFRESH: (JobName.INTEGRITY_MISSING_FILES_REFRESH, {}),
    ManualJobName.INTEGRITY_UNTRACKED_FILES_REFRESH: (JobName.INTEGRITY_UNTRACKED_REFRESH, {}),
    ManualJobName.INTEGRITY_CHECKSUM_MISMATCH_REFRESH: (JobName.INTEGRITY_CHECKSUM_FILES_REFRESH, {}),
    ManualJobName.INTEGRITY_MISSING_FILES_DELETE_ALL: (
        JobName.INTEGRITY_DELETE_REPORT_TYPE,
        {"type": "missing_file"},
    ),
    ManualJobName.INTEGRITY_UNTRACKED_FILES_DELETE_ALL: (
        JobName.INTEGRITY_DELETE_REPORT_TYPE,
        {"type": "untracked_file"},
    ),
    ManualJobName.INTEGRITY_CHECKSUM_MISMATCH_DELETE_ALL: (
        JobName.INTEGRITY_DELETE_REPORT_TYPE,
        {"type": "checksum_mismatch"},
    ),
}

#: ``POST /api/assets/jobs {name}``: the per-asset job each name queues.
ASSET_JOBS: dict[AssetJobName, JobName] = {
    AssetJobName.REFRESH_FACES: JobName.ASSET_DETECT_FACES,
    AssetJobName.REFRESH_METADATA: JobName.ASSET_EXTRACT_METADATA,
    AssetJobName.REGENERATE_THUMBNAIL: JobName.ASSET_GENERATE_THUMBNAILS,
    AssetJobName.TRANSCODE_VIDEO: JobName.ASSET_ENCODE_VIDEO,
}

ALL_STATUSES = tuple(QueueJobStatus)


async def get_queues_legacy(db: AsyncSession) -> QueuesResponseLegacyDto:
    states = await queue_states(db)
    return QueuesResponseLegacyDto.model_validate(
        {name.value: to_queue_legacy_dto(state) for name, state in states.items()}
    )


async def run_queue_command(
    db: AsyncSession, name: QueueName, dto: QueueCommandDto
) -> QueueResponseLegacyDto:
    """``PUT /api/jobs/{name}``: start (queue its "queue all" job), pause, resume, empty, clear-failed."""
    match dto.command:
        case QueueCommand.START:
            await _start(db, name, force=bool(dto.force))
        case QueueCommand.PAUSE:
            await pause_queue(db, name)
        case QueueCommand.RESUME:
            await resume_queue(db, name)
        case QueueCommand.EMPTY:
            await empty_queue(db, name)
        case QueueCommand.CLEAR_FAILED:
            await clear_failed(db, name)
    await db.commit()
    return to_queue_legacy_dto(await queue_state(db, name))


async def _start(db: AsyncSession, name: QueueName, *, force: bool) -> None:
    job = QUEUE_START_JOB.get(name)
    if job is None:
        raise BadRequestError(f"Invalid job name: {name}")
    if (await queue_state(db, name)).is_active:
        raise BadRequestError("Job is already running")
    await enqueue(db, job, {"force": force}, dedupe_key=job.value)


async def create_manual_job(db: AsyncSession, name: ManualJobName) -> None:
    """``POST /api/jobs {name}``. A job whose feature is not built yet is queued all the same, so the
    admin sees it waiting in its queue."""
    job, data = MANUAL_JOBS[name]
    await enqueue(db, job, data, dedupe_key=f"manual:{job.value}")
    await db.commit()


async def get_queues(db: AsyncSession) -> list[QueueResponseDto]:
    return [to_queue_dto(state) for state in (await queue_states(db)).values()]


async def get_queue(db: AsyncSession, name: QueueName) -> QueueResponseDto:
    return to_queue_dto(await queue_state(db, name))


async def update_queue(db: AsyncSession, name: QueueName, dto: QueueUpdateDto) -> QueueResponseDto:
    if dto.isPaused is True:
        await pause_queue(db, name)
    elif dto.isPaused is False:
        await resume_queue(db, name)
    await db.commit()
    return await get_queue(db, name)


async def get_queue_jobs(
    db: AsyncSession, name: QueueName, statuses: Iterable[QueueJobStatus] | None
) -> list[QueueJobResponseDto]:
    wanted = list(statuses or ()) or list(ALL_STATUSES)
    return [
        QueueJobResponseDto(id=job.id, name=job.name, data=job.data, timestamp=job.timestamp)
        for job in await list_queue_jobs(db, name, wanted)
    ]


async def empty_queue_jobs(db: AsyncSession, name: QueueName, dto: QueueDeleteDto) -> None:
    """``DELETE /api/queues/{name}/jobs``: drop the jobs not started, and the failed ones with ``failed``."""
    await empty_queue(db, name)
    if dto.failed:
        await clear_failed(db, name)
    await db.commit()


async def run_asset_jobs(db: AsyncSession, auth: AuthContext, dto: AssetJobsDto) -> None:
    """``POST /api/assets/jobs``: re-run one step for the caller's own assets."""
    await require_assets(db, auth, Permission.ASSET_UPDATE, dto.assetIds)
    ids = [str(asset_id) for asset_id in dict.fromkeys(dto.assetIds)]
    await enqueue_many(db, ASSET_JOBS[dto.name], [{"id": asset_id} for asset_id in ids], dedupe_keys=ids)
    await db.commit()
