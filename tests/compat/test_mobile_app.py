"""The Immich 3.1 mobile app's session (NOTES.md §4.2) replayed against a live ``albumen serve``.

Discovery, password login after which only the cookie authenticates, the login screen's server
calls, the full sync stream with acks, backup uploads as the app sends them (with the fields 3.x
ignores, and a live-photo pair), thumbnails with the ``c=`` cache buster, video playback with Range,
and the socket.io events the app listens to.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
import socketio

from tests.api.test_sync import ENTITY_DTO, SERVED_TYPES, past_the_fence
from tests.conftest import TESTDATA, LiveServer
from tests.dto_shapes import assert_shape
from tests.helpers import ADMIN_EMAIL, ADMIN_PASSWORD, sign_up_admin

pytestmark = [pytest.mark.compat, pytest.mark.slow]

PHOTO = TESTDATA / "immich-test-assets" / "metadata" / "gps-position" / "thompson-springs.jpg"
LIVE_STILL = TESTDATA / "immich-test-assets" / "metadata" / "rating" / "mongolels.jpg"
LIVE_VIDEO = TESTDATA / "videos" / "hevc-rotated.mov"
VIDEO = TESTDATA / "videos" / "h264-aac-gps.mp4"
APP_HEADERS = {
    "User-Agent": "immich-android/3.1.0",
    "deviceModel": "Pixel 8",
    "deviceType": "Android",
}
NDJSON = "application/jsonlines+json"
EVENT_TIMEOUT = 90.0


@pytest.fixture
async def server(live_server: LiveServer) -> AsyncIterator[LiveServer]:
    await asyncio.to_thread(live_server.start)
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        await sign_up_admin(http)
    yield live_server


class Events:
    """A socket.io client as the app opens it: websocket only, authenticated by the cookie."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: list[tuple[str, tuple[Any, ...]]] = []

        @self.client.on("*")
        async def record(event: str, *args: Any) -> None:
            self.received.append((event, args))

    async def wait_for(self, event: str, predicate: Any = None) -> tuple[Any, ...]:
        deadline = time.monotonic() + EVENT_TIMEOUT
        while time.monotonic() < deadline:
            for name, args in self.received:
                if name == event and (predicate is None or predicate(args)):
                    return args
            await asyncio.sleep(0.1)
        raise TimeoutError(f"no {event}; got {[name for name, _ in self.received]}")


async def sync(app: httpx.AsyncClient) -> list[dict[str, Any]]:
    await past_the_fence()
    response = await app.post("/sync/stream", json={"types": SERVED_TYPES}, headers={"Accept": NDJSON})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(NDJSON)
    return [orjson.loads(line) for line in response.content.splitlines() if line.strip()]


async def ack_like_the_app(app: httpx.AsyncClient, lines: list[dict[str, Any]]) -> None:
    """The app groups consecutive lines of one type and acks the last of each group."""
    acks: list[str] = []
    for index, line in enumerate(lines):
        last_of_group = index + 1 == len(lines) or lines[index + 1]["type"] != line["type"]
        if last_of_group and line["type"] != "SyncCompleteV1":
            acks.append(line["ack"])
    acks.append(lines[-1]["ack"])
    response = await app.post("/sync/ack", json={"acks": acks})
    assert response.status_code == 204, response.text


async def wait_until_idle(app: httpx.AsyncClient) -> None:
    """Until the media queues (metadata, thumbnails, video, duplicates) have nothing left to do."""
    queues = ("metadataExtraction", "thumbnailGeneration", "videoConversion", "duplicateDetection")
    deadline = time.monotonic() + EVENT_TIMEOUT
    while time.monotonic() < deadline:
        jobs = (await app.get("/jobs")).json()
        if all(
            jobs[name]["jobCounts"]["active"] + jobs[name]["jobCounts"]["waiting"] == 0 for name in queues
        ):
            return
        await asyncio.sleep(0.25)
    raise TimeoutError(f"queues still busy: {jobs}")


async def upload(app: httpx.AsyncClient, path: Any, **fields: str) -> dict[str, Any]:
    data = {
        "filename": path.name,
        "fileCreatedAt": "2024-05-01T10:00:00.000Z",
        "fileModifiedAt": "2024-05-01T10:00:00.000Z",
        "isFavorite": "false",
        "duration": "0",
        "deviceAssetId": f"local-{path.name}",
        "deviceId": "9f5f3c1e-android-udid",
        **fields,
    }
    files = {"assetData": (path.name, path.read_bytes(), "application/octet-stream")}
    response = await app.post("/assets", data=data, files=files)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "created"
    return body


async def test_the_mobile_app_session(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=APP_HEADERS, timeout=30) as discovery:
        well_known = (await discovery.get("/.well-known/immich")).json()
    assert well_known["api"]["endpoint"] == "/api"
    api = f"{server.url}{well_known['api']['endpoint']}"

    async with httpx.AsyncClient(base_url=api, headers=APP_HEADERS, timeout=60) as app:
        assert (await app.get("/server/ping")).json() == {"res": "pong"}
        version = (await app.get("/server/version")).json()
        assert (version["major"], version["minor"]) == (3, 2)
        features = (await app.get("/server/features")).json()
        assert features["passwordLogin"] is True
        assert_shape(features, "ServerFeaturesDto")
        assert_shape((await app.get("/server/config")).json(), "ServerConfigDto")

        login = await app.post("/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        assert login.status_code == 201, login.text
        assert_shape(login.json(), "LoginResponseDto")
        assert {"immich_access_token", "immich_auth_type", "immich_is_authenticated"} <= set(app.cookies)
        # From here on only the cookie jar authenticates, as the 3.x app does.
        assert "authorization" not in {name.lower() for name in app.headers}
        assert (await app.get("/users/me")).status_code == 200
        assert (await app.get("/users/me/preferences")).status_code == 200
        assert (await app.post("/auth/validateToken")).json() == {"authStatus": True}
        sessions = (await app.get("/sessions")).json()
        current = next(item for item in sessions if item["current"])
        # Immich names the device by its model header and the OS by its type header.
        assert (current["deviceType"], current["deviceOS"], current["appVersion"]) == (
            "Pixel 8",
            "Android",
            "3.1.0",
        )

        events = Events()
        cookie = "; ".join(f"{name}={value}" for name, value in app.cookies.items())
        await events.client.connect(
            server.url, headers={"Cookie": cookie}, transports=["websocket"], socketio_path="/api/socket.io"
        )
        try:
            version_event = await events.wait_for("on_server_version")
            assert_shape(version_event[0], "ServerVersionResponseDto")

            # Pre-sync migrations reset some checkpoints, then the first full sync.
            reset = await app.request("DELETE", "/sync/ack", json={"types": ["AlbumV1", "AssetExifV1"]})
            assert reset.status_code == 204, reset.text
            first = await sync(app)
            assert first[-1]["type"] == "SyncCompleteV1"
            for line in first[:-1]:
                if line["type"] in ENTITY_DTO:
                    assert_shape(line["data"], ENTITY_DTO[line["type"]])
            assert "AuthUserV1" in {line["type"] for line in first}
            await ack_like_the_app(app, first)
            assert [line["type"] for line in await sync(app)] == ["SyncCompleteV1"]

            # Backup: a photo, then an iOS-style live photo (video hidden first, then the still).
            photo = await upload(app, PHOTO)
            uploaded = await events.wait_for("on_upload_success", lambda args: args[0]["id"] == photo["id"])
            assert_shape(uploaded[0], "AssetResponseDto")
            ready = await events.wait_for(
                "AssetUploadReadyV2", lambda args: args[0]["asset"]["id"] == photo["id"]
            )
            assert_shape(ready[0]["asset"], "SyncAssetV2")
            assert_shape(ready[0]["exif"], "SyncAssetExifV1")
            video = await upload(app, LIVE_VIDEO, visibility="hidden")
            ios_metadata = {
                "cloudId": "E5A1C0DE-0000-4000-8000-00000000CAFE",
                "createdAt": "2024-05-01T10:00:00.000Z",
                "adjustmentTime": "2024-05-01T10:00:00.000Z",
                "latitude": "38.97",
                "longitude": "-110.39",
            }
            still = await upload(
                app,
                LIVE_STILL,
                livePhotoVideoId=video["id"],
                metadata=orjson.dumps([{"key": "mobile-app", "value": ios_metadata}]).decode(),
            )
            await events.wait_for("on_upload_success", lambda args: args[0]["id"] == still["id"])
            movie = await upload(app, VIDEO)
            await events.wait_for("on_upload_success", lambda args: args[0]["id"] == movie["id"])

            still_info = (await app.get(f"/assets/{still['id']}")).json()
            assert still_info["livePhotoVideoId"] == video["id"]

            await wait_until_idle(app)
            # The next sync brings exactly the new assets; the hidden video comes with its visibility.
            second = await sync(app)
            assets = {line["data"]["id"]: line["data"] for line in second if line["type"] == "AssetV2"}
            assert set(assets) == {photo["id"], video["id"], still["id"], movie["id"]}
            assert assets[video["id"]]["visibility"] == "hidden"
            assert assets[still["id"]]["livePhotoVideoId"] == video["id"]
            metadata = [line["data"] for line in second if line["type"] == "AssetMetadataV1"]
            assert [(item["assetId"], item["key"], item["value"]) for item in metadata] == [
                (still["id"], "mobile-app", ios_metadata)
            ]
            for line in second[:-1]:
                if line["type"] in ENTITY_DTO:
                    assert_shape(line["data"], ENTITY_DTO[line["type"]])
            await ack_like_the_app(app, second)
            assert [line["type"] for line in await sync(app)] == ["SyncCompleteV1"]

            # Media as the app loads it: thumbnails with the thumbhash cache buster, Range playback.
            thumbhash = assets[photo["id"]]["thumbhash"]
            thumb = await app.get(
                f"/assets/{photo['id']}/thumbnail",
                params={"size": "thumbnail", "edited": "true", "c": thumbhash},
            )
            assert thumb.status_code == 200
            assert thumb.content[:4] == b"RIFF"
            preview = await app.get(f"/assets/{photo['id']}/thumbnail", params={"size": "preview", "c": "x"})
            assert preview.content[:2] == b"\xff\xd8"
            playback = await app.get(
                f"/assets/{movie['id']}/video/playback", headers={"Range": "bytes=0-1023"}
            )
            assert playback.status_code == 206
            assert len(playback.content) == 1024
            assert playback.headers["content-range"].startswith("bytes 0-1023/")

            # Trashing from another device reaches this one live and on its next sync.
            trashed = await app.request("DELETE", "/assets", json={"ids": [movie["id"]]})
            assert trashed.status_code == 204
            await events.wait_for("on_asset_trash", lambda args: movie["id"] in args[0])
            after_trash = await sync(app)
            updated = [line["data"] for line in after_trash if line["type"] == "AssetV2"]
            assert [(item["id"], item["deletedAt"] is not None) for item in updated] == [(movie["id"], True)]
        finally:
            await events.client.disconnect()

        assert (await app.post("/auth/logout")).status_code == 200
        assert (await app.get("/users/me")).status_code == 401
