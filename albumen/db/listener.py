"""``LISTEN`` on a PostgreSQL channel over a dedicated connection that is re-opened when lost.

The connection is asyncpg's own, outside SQLAlchemy's pool: a pooled connection is reset and
handed to other requests, which would drop the subscription.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger(__name__)

#: How often an idle connection is checked, so a silently dropped one is noticed and replaced.
HEALTH_CHECK_INTERVAL = 30.0
HEALTH_CHECK_TIMEOUT = 10.0
MAX_RETRY_DELAY = 30.0

PayloadHandler = Callable[[str], Awaitable[None]]


class ChannelListener:
    """Calls ``handle(payload)`` for each notification on ``channel``, one at a time, in order.

    Notifications sent while the connection is down are lost; :attr:`listening` is set while a
    subscription is active (tests wait on it before emitting).
    """

    def __init__(
        self, engine: AsyncEngine, channel: str, handle: PayloadHandler, *, retry_delay: float = 0.5
    ) -> None:
        self.channel = channel
        self.handle = handle
        self.retry_delay = retry_delay
        self.listening = asyncio.Event()
        #: How many times a subscription was opened (1 + reconnections).
        self.subscriptions = 0
        self._connect_args = _asyncpg_connect_args(engine)
        self._queue: asyncio.Queue[str] = asyncio.Queue()

    async def run(self) -> None:
        """Listen until cancelled."""
        consumer = asyncio.create_task(self._consume())
        try:
            delay = self.retry_delay
            while True:
                try:
                    connection: asyncpg.Connection[Any] = await asyncpg.connect(**self._connect_args)
                except (OSError, asyncpg.PostgresError) as error:
                    logger.warning("cannot listen for client events (%s); retrying in %.1fs", error, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, MAX_RETRY_DELAY)
                    continue
                delay = self.retry_delay
                try:
                    await self._listen(connection)
                except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                    logger.warning("lost the client events connection (%s); reconnecting", error)
                finally:
                    self.listening.clear()
                    connection.terminate()
                await asyncio.sleep(self.retry_delay)
        finally:
            consumer.cancel()

    async def _listen(self, connection: asyncpg.Connection[Any]) -> None:
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        await connection.add_listener(self.channel, self._received)
        self.subscriptions += 1
        self.listening.set()
        while not lost.is_set():
            try:
                await asyncio.wait_for(lost.wait(), HEALTH_CHECK_INTERVAL)
            except TimeoutError:
                await asyncio.wait_for(connection.fetchval("SELECT 1"), HEALTH_CHECK_TIMEOUT)

    def _received(self, connection: object, pid: int, channel: str, payload: str) -> None:
        self._queue.put_nowait(payload)

    async def _consume(self) -> None:
        while True:
            payload = await self._queue.get()
            try:
                await self.handle(payload)
            except Exception:
                logger.exception("delivering a client event failed")


def _asyncpg_connect_args(engine: AsyncEngine) -> dict[str, Any]:
    """The engine's own connection parameters (host, socket directory, TLS, credentials)."""
    _, params = engine.dialect.create_connect_args(engine.url)
    for sqlalchemy_only in ("prepared_statement_cache_size", "prepared_statement_name_func"):
        params.pop(sqlalchemy_only, None)
    params["server_settings"] = {"application_name": "albumen-events"}
    return dict(params)
