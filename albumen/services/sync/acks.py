"""Sync checkpoints: one ``type|updateId[|extra]`` per entity type and session (login sessions only)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.sync import SyncCheckpointRepository
from albumen.dto.sync import SyncAckDeleteDto, SyncAckDto, SyncAckSetDto, SyncEntityType
from albumen.services.authentication import AuthContext
from albumen.services.errors import ForbiddenError
from albumen.services.sync.lines import parse_ack


def require_session(auth: AuthContext) -> uuid.UUID:
    """Checkpoints belong to a device's session; an API key has none (Immich answers 403)."""
    if auth.session is None:
        raise ForbiddenError("Sync endpoints cannot be used with API keys")
    return auth.session.id


async def get_acks(db: AsyncSession, auth: AuthContext) -> list[SyncAckDto]:
    session_id = require_session(auth)
    checkpoints = await SyncCheckpointRepository(db).list_for_session(session_id)
    return [SyncAckDto(type=SyncEntityType(row.type), ack=row.ack) for row in checkpoints]


async def set_acks(db: AsyncSession, auth: AuthContext, dto: SyncAckSetDto) -> None:
    """Store each type's last ack; acknowledging ``SyncResetV1`` instead forgets all progress."""
    session_id = require_session(auth)
    repository = SyncCheckpointRepository(db)
    latest: dict[str, str] = {}
    for ack in dto.acks:
        parsed = parse_ack(ack)
        if parsed.type == SyncEntityType.SYNC_RESET_V1:
            await repository.reset_progress(session_id)
            await db.commit()
            return
        latest[parsed.type] = ack
    await repository.upsert(session_id, latest)
    await db.commit()


async def delete_acks(db: AsyncSession, auth: AuthContext, dto: SyncAckDeleteDto | None) -> None:
    session_id = require_session(auth)
    types = [str(kind) for kind in dto.types] if dto is not None and dto.types is not None else None
    await SyncCheckpointRepository(db).delete(session_id, types)
    await db.commit()
