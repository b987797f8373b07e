"""The ``Sync`` tag: the mobile app's NDJSON stream of library changes and its checkpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, status
from fastapi.responses import StreamingResponse

from albumen.api.deps import DbSession, State, authenticated
from albumen.dto.sync import SyncAckDeleteDto, SyncAckDto, SyncAckSetDto, SyncStreamDto
from albumen.permissions import Permission
from albumen.services import sync
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/sync", tags=["Sync"])

NDJSON = "application/jsonlines+json"


@router.post("/stream", response_class=StreamingResponse)
async def get_sync_stream(
    dto: SyncStreamDto,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.SYNC_STREAM)],
) -> StreamingResponse:
    lines = await sync.open_stream(db, state.database, auth, dto)
    return StreamingResponse(lines, media_type=NDJSON)


@router.get("/ack")
async def get_sync_ack(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.SYNC_CHECKPOINT_READ)]
) -> list[SyncAckDto]:
    return await sync.get_acks(db, auth)


@router.post("/ack", status_code=status.HTTP_204_NO_CONTENT)
async def send_sync_ack(
    dto: SyncAckSetDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.SYNC_CHECKPOINT_UPDATE)],
) -> None:
    await sync.set_acks(db, auth, dto)


@router.delete("/ack", status_code=status.HTTP_204_NO_CONTENT)
async def delete_sync_ack(
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.SYNC_CHECKPOINT_DELETE)],
    dto: Annotated[SyncAckDeleteDto | None, Body()] = None,
) -> None:
    await sync.delete_acks(db, auth, dto)
