"""The socket.io endpoint at ``/api/socket.io`` (Engine.IO v4, websocket transport), NOTES.md §4.2 G.

A socket authenticates with its handshake's headers exactly as an HTTP request does (cookie
``immich_access_token``, ``Authorization: Bearer``, ``x-immich-user-token``, ``x-api-key``) and
joins the rooms of its user and session. Events reach it from any process through
:mod:`albumen.services.events`; this process's listener hands them to the rooms.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import socketio
from fastapi import FastAPI, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from albumen.api.deps import app_device, credential_from_request
from albumen.api.state import AppState
from albumen.services import events
from albumen.services import server as server_service
from albumen.services.authentication import authenticate
from albumen.services.errors import UnauthorizedError

logger = logging.getLogger(__name__)

SOCKET_IO_PATH = "/api/socket.io"
#: Immich sends these late, so the request that caused them has its response first (a web tab that
#: logs itself out must not also react to its own session's deletion).
DELAYED_EVENTS = {"on_session_delete": 0.5}


def create_socket_server(state: AppState) -> socketio.AsyncServer:
    # Immich's gateway: any origin (``cors: true``), websocket transport only. ``always_connect``
    # mirrors its order of events: the socket connects, then a failed authentication is answered
    # with ``error: "unauthorized"`` and a disconnect (the app listens for that error).
    server = socketio.AsyncServer(
        async_mode="asgi",
        cors_allowed_origins="*",
        transports=["websocket"],
        always_connect=True,
        logger=False,
        engineio_logger=False,
    )

    @server.event
    async def connect(sid: str, environ: dict[str, Any], auth: object = None) -> bool:
        # The handshake read as an HTTP request (headers and cookies; Immich ignores its query string).
        request = Request({**environ["asgi.scope"], "type": "http", "query_string": b""})
        try:
            async with state.database.session() as db:
                context = await authenticate(
                    db, credential_from_request(request), app_device=app_device(request)
                )
        except UnauthorizedError:
            await server.emit("error", "unauthorized", to=sid)
            return False
        if context.shared_link is not None:  # Immich: a shared link never opens a socket
            await server.emit("error", "unauthorized", to=sid)
            return False
        await server.enter_room(sid, str(context.user_id))
        if context.session is not None:
            await server.enter_room(sid, str(context.session.id))
        await server.emit("on_server_version", server_service.version().model_dump(mode="json"), to=sid)
        return True

    return server


async def deliver(server: socketio.AsyncServer, message: events.ClientMessage) -> None:
    """Send one event to its rooms (a socket in both its user's and its session's room gets it once)."""
    args = message.args
    data: Any = None if not args else args[0] if len(args) == 1 else args
    if message.rooms is None:
        await server.emit(message.event, data)
    else:
        await server.emit(message.event, data, to=list(message.rooms))


class SocketIoMiddleware:
    """Hands ``/api/socket.io/`` to the socket server and everything else to the app."""

    def __init__(self, app: ASGIApp, server: socketio.AsyncServer) -> None:
        self.engine = socketio.ASGIApp(server, other_asgi_app=app, socketio_path=SOCKET_IO_PATH)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.engine(scope, receive, send)


def install_socket_io(app: FastAPI, state: AppState) -> None:
    server = create_socket_server(state)
    app.state.socket_server = server
    app.add_middleware(SocketIoMiddleware, server=server)


@contextlib.asynccontextmanager
async def client_events(app: FastAPI, state: AppState) -> AsyncIterator[None]:
    """While the app runs: listen for committed client events and deliver them to this process's sockets."""
    server: socketio.AsyncServer = app.state.socket_server
    delayed: set[asyncio.Task[None]] = set()

    async def send_later(message: events.ClientMessage, delay: float) -> None:
        await asyncio.sleep(delay)
        await deliver(server, message)

    async def send(message: events.ClientMessage) -> None:
        delay = DELAYED_EVENTS.get(message.event)
        if delay is None:
            await deliver(server, message)
            return
        task = asyncio.create_task(send_later(message, delay))
        delayed.add(task)
        task.add_done_callback(delayed.discard)

    listener = events.listen(state.database, send)
    app.state.client_events_listener = listener
    task = asyncio.create_task(listener.run(), name="albumen-client-events")
    try:
        yield
    finally:
        for pending in (task, *delayed):
            pending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
