"""The ``Jobs`` tag (Immich's legacy queue API, still what the web app's job page calls)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from albumen.api.deps import DbSession, authenticated
from albumen.dto.jobs import (
    JobCreateDto,
    QueueCommandDto,
    QueueName,
    QueueResponseLegacyDto,
    QueuesResponseLegacyDto,
)
from albumen.permissions import Permission
from albumen.services import jobs
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/jobs", tags=["Jobs"])


@router.get("")
async def get_queues_legacy(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.JOB_READ, admin=True)]
) -> QueuesResponseLegacyDto:
    return await jobs.get_queues_legacy(db)


@router.post("", status_code=status.HTTP_204_NO_CONTENT)
async def create_job(
    dto: JobCreateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.JOB_CREATE, admin=True)],
) -> None:
    await jobs.create_manual_job(db, dto.name)


@router.put("/{name}")
async def run_queue_command_legacy(
    name: QueueName,
    dto: QueueCommandDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.JOB_CREATE, admin=True)],
) -> QueueResponseLegacyDto:
    return await jobs.run_queue_command(db, name, dto)
