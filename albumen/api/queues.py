"""The ``Queues`` tag: queue state, pause/resume, and the jobs in a queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import status as http_status

from albumen.api.deps import DbSession, authenticated
from albumen.dto.jobs import (
    QueueDeleteDto,
    QueueJobResponseDto,
    QueueJobStatus,
    QueueName,
    QueueResponseDto,
    QueueUpdateDto,
)
from albumen.permissions import Permission
from albumen.services import jobs
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/queues", tags=["Queues"])


@router.get("")
async def get_queues(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.QUEUE_READ, admin=True)]
) -> list[QueueResponseDto]:
    return await jobs.get_queues(db)


@router.get("/{name}")
async def get_queue(
    name: QueueName,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.QUEUE_READ, admin=True)],
) -> QueueResponseDto:
    return await jobs.get_queue(db, name)


@router.put("/{name}")
async def update_queue(
    name: QueueName,
    dto: QueueUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.QUEUE_UPDATE, admin=True)],
) -> QueueResponseDto:
    return await jobs.update_queue(db, name, dto)


@router.get("/{name}/jobs")
async def get_queue_jobs(
    name: QueueName,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.QUEUE_JOB_READ, admin=True)],
    status: Annotated[list[QueueJobStatus] | None, Query()] = None,
) -> list[QueueJobResponseDto]:
    return await jobs.get_queue_jobs(db, name, status)


@router.delete("/{name}/jobs", status_code=http_status.HTTP_204_NO_CONTENT)
async def empty_queue(
    name: QueueName,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.QUEUE_JOB_DELETE, admin=True)],
    dto: QueueDeleteDto | None = None,
) -> None:
    await jobs.empty_queue_jobs(db, name, dto or QueueDeleteDto())
