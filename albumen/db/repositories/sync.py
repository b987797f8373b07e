"""The sync stream's storage side: per-session checkpoints, the stream's upper bound, keyset paging.

Every synced row carries a UUIDv7 (``update_id``, or ``id`` in an audit table), so "what changed since
the client's checkpoint" is a range ``checkpoint < key < now_id`` read in key order, one page at a
time: the stream never holds more than a page of rows, and no transaction stays open while a slow
client reads.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, bindparam, cast, delete, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.engine import Database
from albumen.db.repositories.raw import fetch_records
from albumen.db.tables import Session, SessionSyncCheckpoint

#: The cursor columns added to every page query (removed again before a row becomes a line).
KEY = "_key"
TIE = "_tie"

# Rows written by a transaction that is still running may carry an update_id older than "now" yet
# become visible only after this stream. The upper bound therefore stops before the start of the
# oldest writing transaction (and a few milliseconds before now, for one that is just taking its
# first row lock), so such rows are left for the next sync instead of being skipped for good.
#: How far behind the clock a stream's upper bound stays, at least.
FENCE_MILLIS = 10
NOW_MILLIS = text(
    f"""
    SELECT (extract(epoch FROM least(
      clock_timestamp() - interval '{FENCE_MILLIS} milliseconds',
      (SELECT min(xact_start) FROM pg_stat_activity
        WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())
    )) * 1000)::bigint
    """
)


def uuid7_floor(millis: int) -> uuid.UUID:
    """The smallest UUIDv7 of a millisecond: every id made at or after it compares greater."""
    return uuid.UUID(bytes=millis.to_bytes(6, "big") + b"\x70\x00\x80" + bytes(7))


def uuid7_millis(value: uuid.UUID | str) -> int:
    """The Unix milliseconds in a UUIDv7 (its first 48 bits), as Immich reads a checkpoint's age."""
    return int(str(value).replace("-", "")[:12], 16)


@dataclass(frozen=True)
class KeysetQuery:
    """A query read in ``key`` order (``tie`` breaks ties when a key repeats), after ``start``."""

    query: Select[Any]
    key: Any  # a column (or mapped attribute) holding UUIDs
    tie: Any = None
    start: uuid.UUID | None = None


@dataclass(frozen=True)
class PreparedQuery:
    """A query compiled once for asyncpg; runs again with other values for its named parameters."""

    sql: str
    names: tuple[str, ...]
    defaults: dict[str, Any]

    async def fetch(self, session: AsyncSession, values: dict[str, Any]) -> Sequence[Any]:
        connection = await session.connection()
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        parameters = [values[name] if name in values else self.defaults[name] for name in self.names]
        records: Sequence[Any] = await driver.fetch(self.sql, *parameters)
        return records


async def prepare(session: AsyncSession, query: Select[Any]) -> PreparedQuery:
    connection = await session.connection()
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    return PreparedQuery(str(compiled), tuple(compiled.positiontup or ()), dict(compiled.params))


async def read_pages(database: Database, source: KeysetQuery, page_size: int) -> AsyncIterator[Sequence[Any]]:
    """Yield ``source``'s rows (asyncpg records with ``_key``/``_tie`` text columns), a page at a time.

    Each page is its own short transaction on a pooled connection, released before the page is used.
    """
    order: list[ColumnElement[Any]] = [source.key]
    columns: list[ColumnElement[Any]] = [cast(source.key, Text).label(KEY)]
    if source.tie is not None:
        order.append(source.tie)
        columns.append(cast(source.tie, Text).label(TIE))
    base = source.query.add_columns(*columns).order_by(*order).limit(page_size)
    query = base if source.start is None else base.where(source.key > source.start)
    # Later pages differ only in the cursor's values: compiled once, run with new parameters.
    after_key: Any = bindparam("after_key", type_=source.key.type)
    if source.tie is None:
        next_page = base.where(source.key > after_key)
    else:
        after_tie: Any = bindparam("after_tie", type_=source.tie.type)
        next_page = base.where(tuple_(source.key, source.tie) > tuple_(after_key, after_tie))
    async with database.session() as session:
        rows: Sequence[Any] = await fetch_records(session, query)
    compiled: PreparedQuery | None = None
    while True:
        if rows:
            yield rows
        if len(rows) < page_size:
            return
        last = rows[-1]
        values: dict[str, Any] = {"after_key": uuid.UUID(last[KEY])}
        if source.tie is not None:
            values["after_tie"] = uuid.UUID(last[TIE])
        async with database.session() as session:
            compiled = compiled or await prepare(session, next_page)
            rows = await compiled.fetch(session, values)


async def read_all(database: Database, query: Select[Any]) -> Sequence[Any]:
    """A small result (a user's partners or albums) in one go."""
    async with database.session() as session:
        return await fetch_records(session, query)


class SyncCheckpointRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def now_id(self) -> uuid.UUID:
        """The stream's exclusive upper bound (see ``NOW_MILLIS``)."""
        millis: int = (await self.session.execute(NOW_MILLIS)).scalar_one()
        return uuid7_floor(millis)

    async def list_for_session(self, session_id: uuid.UUID) -> Sequence[SessionSyncCheckpoint]:
        query = (
            select(SessionSyncCheckpoint)
            .where(SessionSyncCheckpoint.session_id == session_id)
            .order_by(SessionSyncCheckpoint.type)
        )
        return (await self.session.execute(query)).scalars().all()

    async def upsert(self, session_id: uuid.UUID, acks: dict[str, str]) -> None:
        if not acks:
            return
        rows = [{"session_id": session_id, "type": kind, "ack": ack} for kind, ack in acks.items()]
        statement = insert(SessionSyncCheckpoint).values(rows)
        statement = statement.on_conflict_do_update(
            index_elements=[SessionSyncCheckpoint.session_id, SessionSyncCheckpoint.type],
            set_={"ack": statement.excluded.ack},
        )
        await self.session.execute(statement)

    async def delete(self, session_id: uuid.UUID, types: Sequence[str] | None = None) -> None:
        statement = delete(SessionSyncCheckpoint).where(SessionSyncCheckpoint.session_id == session_id)
        if types is not None:
            statement = statement.where(SessionSyncCheckpoint.type.in_(types))
        await self.session.execute(statement)

    async def is_pending_reset(self, session_id: uuid.UUID) -> bool:
        query = select(Session.is_pending_sync_reset).where(Session.id == session_id)
        return bool((await self.session.execute(query)).scalar_one_or_none())

    async def reset_progress(self, session_id: uuid.UUID) -> None:
        """Forget the session's sync progress: the next stream starts from nothing."""
        await self.session.execute(
            update(Session)
            .where(Session.id == session_id, Session.is_pending_sync_reset.is_(True))
            .values(is_pending_sync_reset=False)
        )
        await self.delete(session_id)
