"""socket.io at ``/api/socket.io`` against a real ``albumen serve``: handshake authentication as HTTP,
``on_server_version`` on connect, and events from the server's jobs, requests and other processes."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from albumen.db.embedded import EmbeddedPostgres
from albumen.db.engine import Database
from albumen.services import events
from tests.conftest import TESTDATA, LiveServer, free_port
from tests.dto_shapes import assert_shape
from tests.helpers import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LoggedIn,
    create_api_key,
    create_user,
    login,
    upload_asset,
)

pytestmark = pytest.mark.slow

PHOTO = TESTDATA / "immich-test-assets" / "albums" / "nature" / "prairie_falcon.jpg"
EVENT_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """One server (with its admin) for the module: starting one costs seconds; each test has its own user."""
    live = LiveServer(data_dir=Path(f"/tmp/albumen-live-{uuid.uuid4().hex[:8]}"), port=free_port())
    try:
        live.start()
        admin = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "name": "Admin"}
        signed_up = httpx.post(f"{live.url}/api/auth/admin-sign-up", json=admin, timeout=30)
        assert signed_up.status_code == 201, signed_up.text
        yield live
    finally:
        live.stop()
        EmbeddedPostgres(live.data_dir / "postgres").stop()
        shutil.rmtree(live.data_dir, ignore_errors=True)


@pytest.fixture
async def http(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield client


async def new_user(http: httpx.AsyncClient) -> LoggedIn:
    admin = await login(http, ADMIN_EMAIL, ADMIN_PASSWORD)
    return await create_user(http, admin, f"user-{uuid.uuid4().hex[:8]}@albumen.test")


@pytest.fixture
async def user(http: httpx.AsyncClient) -> LoggedIn:
    return await new_user(http)


@dataclass
class Socket:
    """A socket.io client that records every event it receives."""

    client: socketio.AsyncClient = field(default_factory=lambda: socketio.AsyncClient(reconnection=False))
    received: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    disconnected: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        async def record(event: str, *args: Any) -> None:
            self.received.append((event, args))
            self.arrived.set()

        async def gone(*_: Any) -> None:
            self.disconnected.set()

        self.client.on("*", record)
        self.client.on("disconnect", gone)

    async def connect(self, server: LiveServer, headers: dict[str, str]) -> None:
        await self.client.connect(
            server.url, headers=headers, transports=["websocket"], socketio_path="/api/socket.io"
        )

    async def wait_for(self, event: str, timeout: float = EVENT_TIMEOUT) -> tuple[Any, ...]:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while True:
                for name, args in self.received:
                    if name == event:
                        return args
                self.arrived.clear()
                await self.arrived.wait()

    def names(self) -> list[str]:
        return [name for name, _ in self.received]


@pytest.fixture
async def sockets() -> AsyncIterator[list[Socket]]:
    opened: list[Socket] = []
    yield opened
    for socket in opened:
        await socket.client.disconnect()


async def connected(server: LiveServer, sockets: list[Socket], headers: dict[str, str]) -> Socket:
    socket = Socket()
    sockets.append(socket)
    await socket.connect(server, headers)
    await socket.wait_for("on_server_version", timeout=10)
    return socket


def server_database(server: LiveServer) -> Database:
    """The live server's embedded database, as another process (a worker) reaches it."""
    return Database.connect(EmbeddedPostgres(server.data_dir / "postgres").url("albumen"), pool_size=2)


async def test_bearer_token_cookie_and_api_key_connect_and_get_the_server_version(
    server: LiveServer, http: httpx.AsyncClient, user: LoggedIn, sockets: list[Socket]
) -> None:
    key = await create_api_key(http, user)
    for headers in (
        user.headers,
        {"Cookie": f"immich_access_token={user.token}"},
        {"x-api-key": key},
        {"x-immich-user-token": user.token},
    ):
        socket = await connected(server, sockets, headers)
        (version,) = await socket.wait_for("on_server_version")
        assert_shape(version, "ServerVersionResponseDto")
        assert version == (await http.get("/api/server/version")).json()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"x-api-key": "not-a-key"}],
    ids=["none", "bad-token", "bad-key"],
)
async def test_unauthenticated_socket_gets_unauthorized_and_is_disconnected(
    server: LiveServer, sockets: list[Socket], headers: dict[str, str]
) -> None:
    socket = Socket()
    sockets.append(socket)
    await socket.connect(server, headers)
    assert await socket.wait_for("error", timeout=10) == ("unauthorized",)
    await asyncio.wait_for(socket.disconnected.wait(), 10)
    assert "on_server_version" not in socket.names()


async def test_token_in_the_query_string_is_not_accepted(
    server: LiveServer, user: LoggedIn, sockets: list[Socket]
) -> None:
    socket = Socket()
    sockets.append(socket)
    await socket.client.connect(
        f"{server.url}?sessionKey={user.token}", transports=["websocket"], socketio_path="/api/socket.io"
    )
    assert await socket.wait_for("error", timeout=10) == ("unauthorized",)


async def test_upload_is_announced_once_its_thumbnails_exist(
    server: LiveServer, http: httpx.AsyncClient, user: LoggedIn, sockets: list[Socket]
) -> None:
    socket = await connected(server, sockets, user.headers)
    response = await upload_asset(http, user, PHOTO)
    assert response.status_code == 201, response.text
    asset_id = response.json()["id"]

    (asset,) = await socket.wait_for("on_upload_success")
    assert_shape(asset, "AssetResponseDto")
    assert asset["id"] == asset_id
    assert asset["thumbhash"] is not None
    (ready,) = await socket.wait_for("AssetUploadReadyV2")
    assert_shape(ready["asset"], "SyncAssetV2")
    assert_shape(ready["exif"], "SyncAssetExifV1")
    assert ready["asset"]["id"] == asset_id
    thumbnail = await http.get(f"/api/assets/{asset_id}/thumbnail", headers=user.headers)
    assert thumbnail.status_code == 200


async def test_trash_restore_and_delete_reach_the_owner_only(
    server: LiveServer, http: httpx.AsyncClient, user: LoggedIn, sockets: list[Socket]
) -> None:
    owner_socket = await connected(server, sockets, user.headers)
    other = await new_user(http)
    other_socket = await connected(server, sockets, other.headers)
    response = await upload_asset(http, user, PHOTO)
    asset_id = response.json()["id"]

    trashed = await http.request("DELETE", "/api/assets", json={"ids": [asset_id]}, headers=user.headers)
    assert trashed.status_code == 204, trashed.text
    assert await owner_socket.wait_for("on_asset_trash") == ([asset_id],)
    restored = await http.post("/api/trash/restore/assets", json={"ids": [asset_id]}, headers=user.headers)
    assert restored.status_code == 200, restored.text
    assert await owner_socket.wait_for("on_asset_restore") == ([asset_id],)
    deleted = await http.request(
        "DELETE", "/api/assets", json={"ids": [asset_id], "force": True}, headers=user.headers
    )
    assert deleted.status_code == 204, deleted.text
    assert await owner_socket.wait_for("on_asset_delete") == (asset_id,)

    await asyncio.sleep(0.5)
    assert not {"on_asset_trash", "on_asset_restore", "on_asset_delete"} & set(other_socket.names())


async def test_events_from_another_process_arrive_and_rolled_back_ones_never(
    server: LiveServer, user: LoggedIn, sockets: list[Socket]
) -> None:
    socket = await connected(server, sockets, user.headers)
    user_id = uuid.UUID(user.user_id)
    database = server_database(server)
    try:
        async with database.session() as db:
            await events.emit(db, "on_asset_delete", [user_id], "rolled-back-asset")
            await db.rollback()
        async with database.session() as db:
            await events.emit(db, "on_asset_delete", [user_id], "committed-asset")
            await events.emit(db, "on_asset_update", [user_id], {"big": "x" * 20_000})
            await events.broadcast(db, "on_config_update")
            await db.commit()
    finally:
        await database.dispose()

    assert await socket.wait_for("on_asset_delete") == ("committed-asset",)
    assert await socket.wait_for("on_asset_update") == ({"big": "x" * 20_000},)
    assert await socket.wait_for("on_config_update") == ()
    assert ("on_asset_delete", ("rolled-back-asset",)) not in socket.received


async def test_session_delete_reaches_that_session(
    server: LiveServer, http: httpx.AsyncClient, user: LoggedIn, sockets: list[Socket]
) -> None:
    second = await login(http, user.email, user.password)
    second_socket = await connected(server, sockets, second.headers)
    sessions = (await http.get("/api/sessions", headers=user.headers)).json()
    (second_session,) = [item["id"] for item in sessions if not item["current"]][-1:]

    response = await http.delete(f"/api/sessions/{second_session}", headers=user.headers)
    assert response.status_code == 204, response.text
    assert await second_socket.wait_for("on_session_delete") == (second_session,)


async def test_album_and_stack_changes_are_announced(
    server: LiveServer, http: httpx.AsyncClient, user: LoggedIn, sockets: list[Socket]
) -> None:
    socket = await connected(server, sockets, user.headers)
    first = (await upload_asset(http, user, PHOTO)).json()["id"]
    second = (await upload_asset(http, user, PHOTO, content=PHOTO.read_bytes() + b"\0")).json()["id"]
    album = (await http.post("/api/albums", json={"albumName": "Live"}, headers=user.headers)).json()

    added = await http.put(f"/api/albums/{album['id']}/assets", json={"ids": [first]}, headers=user.headers)
    assert added.status_code == 200, added.text
    assert await socket.wait_for("on_album_update") == (album["id"],)
    stacked = await http.post("/api/stacks", json={"assetIds": [first, second]}, headers=user.headers)
    assert stacked.status_code == 201, stacked.text
    assert await socket.wait_for("on_asset_stack_update") == ()
