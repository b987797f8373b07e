"""Third-party Python clients against a live ``albumen serve`` (NOTES.md §4.3).

``aioimmich`` is the Home Assistant integration's client; ``immichpy`` is generated from Immich's
spec. Each runs its main flows: server version and info, the current user, upload, albums, tags,
people, metadata and smart search, thumbnails and video playback. Faces and CLIP come from a real
``albumen ml`` serving the bundled face models and the tiny CLIP test model.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx
import pytest
from aioimmich import Immich
from immichpy import AsyncClient
from immichpy.client.generated.models.metadata_search_dto import MetadataSearchDto

from tests.conftest import TESTDATA, LiveServer, free_port
from tests.helpers import ADMIN_EMAIL, create_api_key, sign_up_admin
from tests.ml.tiny_models import build_tiny_clip

pytestmark = [pytest.mark.compat, pytest.mark.slow]

PHOTO = TESTDATA / "immich-test-assets" / "metadata" / "gps-position" / "thompson-springs.jpg"
SECOND_PHOTO = TESTDATA / "immich-test-assets" / "metadata" / "rating" / "mongolels.jpg"
VIDEO = TESTDATA / "videos" / "h264-aac-gps.mp4"
PORTRAIT = TESTDATA / "immich-test-assets" / "metadata" / "faces" / "portrait.jpg"


@dataclass
class Server:
    url: str
    port: int
    key: str


@pytest.fixture(scope="module")
def ml_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``albumen ml``: bundled face models, and the tiny CLIP model in its cache."""
    cache = tmp_path_factory.mktemp("ml-cache")
    build_tiny_clip(cache)
    port = free_port()
    env = {**os.environ, "MACHINE_LEARNING_CACHE_FOLDER": str(cache), "IMMICH_LOG_LEVEL": "error"}
    command = [sys.executable, "-m", "albumen.cli", "ml", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/ping", timeout=1).text == "pong":
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("albumen ml did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
async def server(live_server: LiveServer, ml_url: str) -> AsyncIterator[Server]:
    await asyncio.to_thread(live_server.start)
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        admin = await sign_up_admin(http)
        key = await create_api_key(http, admin, name="python client")
        config = (await http.get("/api/system-config", headers=admin.headers)).json()
        learning = config["machineLearning"]
        learning.update(enabled=True, urls=[ml_url])
        learning["facialRecognition"].update(enabled=True, minFaces=1)
        learning["ocr"]["enabled"] = False
        response = await http.put("/api/system-config", json=config, headers=admin.headers)
        assert response.status_code == 200, response.text
    yield Server(url=live_server.url, port=live_server.port, key=key)


async def wait_for_queues(server: Server, *queues: str, timeout: float = 120) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=server.url, headers={"x-api-key": server.key}) as http:
        while True:
            jobs = (await http.get("/api/jobs")).json()
            counts = [jobs[name]["jobCounts"] for name in queues]
            if all(count["active"] + count["waiting"] + count["delayed"] == 0 for count in counts):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"queues busy: {counts}")
            await asyncio.sleep(0.25)


async def wait_for_people(server: Server, count: int, timeout: float = 120) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=server.url, headers={"x-api-key": server.key}) as http:
        # People are listed once their thumbnail exists, as in Immich.
        while (total := len((await http.get("/api/people")).json()["people"])) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{total} people, expected {count}")
            await asyncio.sleep(0.25)


async def wait_until_processed(server: Server, asset_ids: list[str], timeout: float = 120) -> None:  # noqa: ASYNC109
    """Until every asset has its thumbnails (the thumbhash is set by the thumbnail job)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=server.url, headers={"x-api-key": server.key}) as http:
        while True:
            bodies = [(await http.get(f"/api/assets/{asset_id}")).json() for asset_id in asset_ids]
            if all(body.get("thumbhash") for body in bodies):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"assets not processed: {bodies}")
            await asyncio.sleep(0.25)


@pytest.fixture
async def aioimmich_client(server: Server) -> AsyncIterator[Immich]:
    async with aiohttp.ClientSession() as session:
        immich = Immich(session, server.key, "127.0.0.1", server.port, use_ssl=False, device_id="pytest")
        await immich.async_setup()
        yield immich


async def test_aioimmich_main_flows(server: Server, aioimmich_client: Immich) -> None:
    immich = aioimmich_client
    version = await immich.server.async_get_version()
    assert (version.major, version.minor, version.patch) == (3, 2, 2)
    about = await immich.server.async_get_about_info()
    assert about.version.startswith("v")
    storage = await immich.server.async_get_storage_info()
    assert storage.disk_size_raw > 0
    me = await immich.users.async_get_my_user()
    assert me.email == ADMIN_EMAIL

    paths = (PHOTO, SECOND_PHOTO, VIDEO, PORTRAIT)
    uploaded = [await immich.assets.async_upload_asset(str(path)) for path in paths]
    assert [item.status for item in uploaded] == ["created"] * 4
    again = await immich.assets.async_upload_asset(str(PHOTO))
    assert (again.status, again.asset_id) == ("duplicate", uploaded[0].asset_id)
    ids = [item.asset_id for item in uploaded]
    await wait_until_processed(server, ids)

    async with httpx.AsyncClient(base_url=server.url, headers={"x-api-key": server.key}) as http:
        album = (await http.post("/api/albums", json={"albumName": "Road trip"})).json()
    added = await immich.albums.async_add_assets_to_album(album["id"], ids[:2])
    assert sorted((item.asset_id, item.success) for item in added) == sorted((i, True) for i in ids[:2])
    albums = await immich.albums.async_get_all_albums()
    assert [(item.album_id, item.album_name, item.asset_count) for item in albums] == [
        (album["id"], "Road trip", 2)
    ]
    in_album = await immich.search.async_get_all_by_album_ids([album["id"]])
    assert sorted(asset.asset_id for asset in in_album) == sorted(ids[:2])
    everything = await immich.search.async_get_all()
    assert sorted(asset.asset_id for asset in everything) == sorted(ids)

    thumbnail = await immich.assets.async_view_asset(ids[0])
    assert thumbnail[:4] == b"RIFF"  # WebP
    preview = await immich.assets.async_view_asset(ids[0], size="preview")
    assert preview[:2] == b"\xff\xd8"
    stream = await immich.assets.async_play_video_stream(ids[2])
    head = await stream.read(64)
    assert b"ftyp" in head

    tags = await immich.tags.async_get_all_tags()
    assert isinstance(tags, list)

    await wait_for_people(server, 2)
    async with httpx.AsyncClient(base_url=server.url, headers={"x-api-key": server.key}) as http:
        listed = (await http.get("/api/people")).json()["people"]
        for person, name in zip(listed, ("Alice", "Bob"), strict=True):
            assert (await http.put(f"/api/people/{person['id']}", json={"name": name})).status_code == 200
    people = await immich.people.async_get_all_people()
    assert sorted(person.name for person in people) == ["Alice", "Bob"]
    assert [person.name for person in await immich.search.async_search_persons("ali")] == ["Alice"]
    assert await immich.people.async_get_people_count() == 2
    person = await immich.people.async_get_person_by_id(people[0].person_id)
    assert person.person_id == people[0].person_id
    face = await immich.people.async_get_person_thumbnail(person.person_id)
    assert face[:2] == b"\xff\xd8"
    portrait_only = await immich.search.async_get_all_by_person_ids([person.person_id])
    assert [asset.asset_id for asset in portrait_only] == [ids[3]]

    await wait_for_queues(server, "smartSearch")
    found = await immich.search.async_smart_search("a photo of a person")
    assert sorted(asset.asset_id for asset in found) == sorted(ids)


async def test_immichpy_upload_helper_and_api(server: Server, tmp_path: Path) -> None:
    folder = tmp_path / "holiday"
    folder.mkdir()
    for path in (PHOTO, SECOND_PHOTO):
        (folder / path.name).write_bytes(path.read_bytes())

    async with AsyncClient(api_key=server.key, base_url=server.url) as client:
        version = await client.server.get_server_version()
        assert (version.major, version.minor, version.patch) == (3, 2, 2)
        me = await client.users.get_my_user()
        assert me.email == ADMIN_EMAIL

        first = await client.assets.upload(folder, album_name="Holiday", concurrency=2)
        assert len(first.uploaded) == 2, first
        assert not first.failed and not first.rejected
        second = await client.assets.upload(folder, album_name="Holiday")
        assert not second.uploaded
        assert len(second.rejected) == 2

        albums = await client.albums.get_all_albums()
        assert [(album.album_name, album.asset_count) for album in albums] == [("Holiday", 2)]
        ids = [str(item.asset.id) for item in first.uploaded]
        await wait_until_processed(server, ids)

        found = await client.search.search_assets(MetadataSearchDto(original_file_name=PHOTO.name))
        assert [asset.original_file_name for asset in found.assets.items] == [PHOTO.name]
        info = await client.assets.get_asset_info(ids[0])
        assert info.id is not None
