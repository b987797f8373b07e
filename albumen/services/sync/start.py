"""Opening a sync stream: the checks that decide the status code, before any line is written."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.engine import Database
from albumen.db.repositories.sync import SyncCheckpointRepository, uuid7_millis
from albumen.db.repositories.sync_queries import SyncQueries
from albumen.dto.sync import SyncEntityType, SyncStreamDto
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError
from albumen.services.sync.acks import require_session
from albumen.services.sync.lines import RESET, Ack, control_line, parse_ack
from albumen.services.sync.stream import DEPRECATED, SYNC_TYPES_ORDER, SyncStream

#: Rows per query page: what the stream holds in memory at once.
PAGE_SIZE = 5000
#: Audit rows are kept this long; a client that last completed a sync earlier must start over.
MAX_CHECKPOINT_AGE = timedelta(days=30)


async def _single(line: bytes) -> AsyncIterator[bytes]:
    yield line


def _reset() -> AsyncIterator[bytes]:
    return _single(control_line(SyncEntityType.SYNC_RESET_V1, f"{SyncEntityType.SYNC_RESET_V1}|{RESET}"))


def _is_expired(checkpoints: dict[str, Ack]) -> bool:
    complete = checkpoints.get(SyncEntityType.SYNC_COMPLETE_V1)
    if complete is None:
        return False
    age_ms = time.time() * 1000 - uuid7_millis(complete.update_id)
    return age_ms > MAX_CHECKPOINT_AGE.total_seconds() * 1000


async def open_stream(
    db: AsyncSession, database: Database, auth: AuthContext, dto: SyncStreamDto, *, page_size: int = PAGE_SIZE
) -> AsyncIterator[bytes]:
    """Validate the request and return the stream's lines (read later, outside this transaction).

    A single ``SyncResetV1`` line answers a session with a pending reset or a checkpoint older than
    the audit tables reach (NOTES.md §3.4); the client then acknowledges it and syncs from scratch.
    """
    session_id = require_session(auth)
    user_id = auth.user_id
    for request_type in SYNC_TYPES_ORDER:
        if request_type in dto.types and request_type in DEPRECATED:
            replacement = DEPRECATED[request_type]
            raise BadRequestError(
                f"SyncRequestType.{request_type} is deprecated, use SyncRequestType.{replacement} instead"
            )
    repository = SyncCheckpointRepository(db)
    if dto.reset:
        await repository.reset_progress(session_id)
        await db.commit()
    if await repository.is_pending_reset(session_id):
        return _reset()
    checkpoints: dict[str, Ack] = {}
    for row in await repository.list_for_session(session_id):
        try:
            checkpoints[row.type] = parse_ack(row.ack)
        except BadRequestError:
            continue
    if _is_expired(checkpoints):
        return _reset()
    now_id = await repository.now_id()
    await db.commit()  # ends the read transaction; the stream reads in its own ones
    stream = SyncStream(database, session_id, SyncQueries(user_id, now_id), checkpoints, page_size)
    return stream.lines(set(dto.types))
