"""Client events travel through PostgreSQL NOTIFY: delivered on commit only, whatever their size."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from albumen.db.engine import Database
from albumen.db.listener import ChannelListener
from albumen.db.tables import ClientEvent
from albumen.dto.server import ServerVersionResponseDto
from albumen.services import events
from albumen.services.events import ClientMessage


@dataclass
class Received:
    messages: asyncio.Queue[ClientMessage] = field(default_factory=asyncio.Queue)

    async def deliver(self, message: ClientMessage) -> None:
        await self.messages.put(message)

    async def next(self, timeout: float = 10) -> ClientMessage:  # noqa: ASYNC109
        return await asyncio.wait_for(self.messages.get(), timeout)


@contextlib.asynccontextmanager
async def listening(database: Database) -> AsyncIterator[tuple[Received, ChannelListener]]:
    received = Received()
    listener = events.listen(database, received.deliver)
    task = asyncio.create_task(listener.run())
    try:
        await asyncio.wait_for(listener.listening.wait(), 10)
        yield received, listener
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_committed_event_reaches_the_listener(database: Database) -> None:
    user_id, asset_id = uuid.uuid4(), uuid.uuid4()
    async with listening(database) as (received, _):
        async with database.session() as db:
            await events.emit(db, "on_asset_trash", [user_id, user_id], [asset_id])
            version_dto = ServerVersionResponseDto(major=3, minor=2, patch=2)
            await events.emit(db, "on_server_version", [user_id], version_dto)
            await db.commit()
        assert await received.next() == ClientMessage("on_asset_trash", (str(user_id),), ([str(asset_id)],))
        version = await received.next()
        assert version.args == ({"major": 3, "minor": 2, "patch": 2, "prerelease": None},)


async def test_event_is_sent_only_when_the_transaction_commits(database: Database) -> None:
    user_id = uuid.uuid4()
    async with listening(database) as (received, _):
        async with database.session() as db:
            await events.emit(db, "on_asset_delete", [user_id], "rolled-back")
            await asyncio.sleep(0.3)
            assert received.messages.empty()  # not before the commit
            await db.rollback()
        async with database.session() as db:
            await events.emit(db, "on_asset_delete", [user_id], "committed")
            await db.commit()
        assert (await received.next()).args == ("committed",)
        await asyncio.sleep(0.3)
        assert received.messages.empty()


async def test_broadcast_has_no_rooms_and_no_users_sends_nothing(database: Database) -> None:
    async with listening(database) as (received, _):
        async with database.session() as db:
            await events.emit(db, "on_asset_delete", [], "nobody")
            await events.broadcast(db, "on_config_update")
            await db.commit()
        assert await received.next() == ClientMessage("on_config_update", None, ())
        await asyncio.sleep(0.3)
        assert received.messages.empty()


async def test_event_larger_than_a_notify_payload_is_delivered_whole(database: Database) -> None:
    user_id = uuid.uuid4()
    big = {"description": "é" * 20_000, "ids": [str(uuid.uuid4()) for _ in range(200)]}
    async with listening(database) as (received, _):
        async with database.session() as db:
            await events.emit(db, "on_asset_update", [user_id], big)
            await db.commit()
        message = await received.next()
    assert message == ClientMessage("on_asset_update", (str(user_id),), (big,))
    async with database.session() as db:
        assert await db.scalar(select(func.count()).select_from(ClientEvent)) == 1


async def test_listener_reconnects_after_losing_its_connection(database: Database) -> None:
    user_id = uuid.uuid4()
    async with listening(database) as (received, listener):
        async with database.session() as db:
            await db.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'albumen-events' AND datname = current_database()"
                )
            )
            await db.commit()
        for _ in range(200):  # the listener notices, then subscribes again
            if listener.subscriptions == 2 and listener.listening.is_set():
                break
            await asyncio.sleep(0.05)
        assert listener.subscriptions == 2
        async with database.session() as db:
            await events.emit(db, "on_asset_delete", [user_id], "after reconnect")
            await db.commit()
        assert (await received.next()).args == ("after reconnect",)
