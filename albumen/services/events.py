"""Client events (socket.io), published inside the caller's transaction.

``emit`` records an event for delivery to the given users' socket.io rooms once the transaction
commits, whichever process (API replica, worker) made the change. Callers name Immich's event
(``on_upload_success``, ``on_asset_delete``, ``on_album_update``, ``on_person_thumbnail`` ...) and
pass its arguments as JSON-ready values (ids, small DTO dicts).

Events travel as PostgreSQL notifications on :data:`CHANNEL`: ``NOTIFY`` is transactional (sent on
commit, never on rollback) and reaches every process listening on the database, so each API
process delivers the events to its own connected sockets (NOTES.md §4.2 G).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.engine import Database
from albumen.db.listener import ChannelListener
from albumen.db.repositories.client_events import ClientEventRepository

CHANNEL = "albumen_events"
#: PostgreSQL refuses ``NOTIFY`` payloads of 8000 bytes or more; larger events go through a table.
MAX_NOTIFY_BYTES = 7999
#: Stored (large) events are read by the listeners within moments; older ones are pruned.
STORED_EVENT_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class ClientMessage:
    """One event for socket.io: ``rooms`` are user or session ids; None means every client."""

    event: str
    rooms: tuple[str, ...] | None
    args: tuple[Any, ...]


async def emit(db: AsyncSession, event: str, user_ids: Iterable[uuid.UUID], *args: Any) -> None:
    """Queue ``event(*args)`` for ``user_ids``; delivered after ``db`` commits, dropped on rollback.

    Rooms are named after user ids and session ids (Immich's websocket gateway joins a socket to
    both), so a session id in ``user_ids`` reaches only that session (``on_session_delete``).
    """
    rooms = sorted({str(user_id) for user_id in user_ids})
    if rooms:
        await _publish(db, event, rooms, args)


async def emit_many(
    db: AsyncSession, event: str, messages: Iterable[tuple[Iterable[uuid.UUID], Sequence[Any]]]
) -> None:
    """``emit`` for many ``(user_ids, args)`` pairs in one round trip (one event per asset of a purge)."""
    repository = ClientEventRepository(db)
    payloads = []
    for user_ids, args in messages:
        rooms = sorted({str(user_id) for user_id in user_ids})
        if rooms:
            payloads.append(await _payload(repository, event, rooms, tuple(args)))
    if payloads:
        await repository.notify_many(CHANNEL, payloads)


async def emit_album_update(db: AsyncSession, album_ids: Iterable[uuid.UUID]) -> None:
    """``on_album_update(albumId)`` to each album's owner and members (the app then syncs it)."""
    audience: dict[uuid.UUID, list[uuid.UUID]] = {}
    for album_id, user_id in await ClientEventRepository(db).album_audience(list(album_ids)):
        audience.setdefault(album_id, []).append(user_id)
    messages = ((user_ids, (album_id,)) for album_id, user_ids in audience.items())
    await emit_many(db, "on_album_update", messages)


async def broadcast(db: AsyncSession, event: str, *args: Any) -> None:
    """Queue ``event(*args)`` for every connected client (Immich's ``clientBroadcast``)."""
    await _publish(db, event, None, args)


async def _publish(db: AsyncSession, event: str, rooms: list[str] | None, args: tuple[Any, ...]) -> None:
    repository = ClientEventRepository(db)
    await repository.notify(CHANNEL, await _payload(repository, event, rooms, args))


async def _payload(
    repository: ClientEventRepository, event: str, rooms: list[str] | None, args: tuple[Any, ...]
) -> str:
    payload = orjson.dumps({"event": event, "rooms": rooms, "args": list(args)}, default=_jsonable)
    if len(payload) > MAX_NOTIFY_BYTES:
        await repository.prune(datetime.now(UTC) - STORED_EVENT_LIFETIME)
        stored_id = await repository.store(payload.decode())
        payload = orjson.dumps({"stored": str(stored_id)})
    return payload.decode()


def _jsonable(value: Any) -> Any:
    # asyncpg's UUID subclasses uuid.UUID, which orjson only serialises exactly.
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot send {type(value).__name__} in a client event")


async def read_message(database: Database, payload: str) -> ClientMessage | None:
    """Decode a notification; a stored event is loaded (None once pruned or malformed)."""
    document = orjson.loads(payload)
    if "stored" in document:
        async with database.session() as db:
            text = await ClientEventRepository(db).load(uuid.UUID(document["stored"]))
        if text is None:
            return None
        document = orjson.loads(text)
    rooms = document.get("rooms")
    return ClientMessage(
        event=document["event"],
        rooms=None if rooms is None else tuple(rooms),
        args=tuple(document.get("args", ())),
    )


def listen(database: Database, deliver: Callable[[ClientMessage], Awaitable[None]]) -> ChannelListener:
    """A listener (run it as a task) handing every committed event, from any process, to ``deliver``."""

    async def handle(payload: str) -> None:
        message = await read_message(database, payload)
        if message is not None:
            await deliver(message)

    return ChannelListener(database.engine, CHANNEL, handle)
