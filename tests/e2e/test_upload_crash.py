"""Nothing an upload was promised is lost: SIGKILL in the middle of 50 concurrent uploads, then restart."""

from __future__ import annotations

import asyncio
import hashlib
import io
import random
import signal
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.conftest import LiveServer

pytestmark = pytest.mark.slow

UPLOADS = 50
KILL_AFTER_RESPONSES = 15
#: What "processed" means for a photo: metadata, storage template, thumbnails.
INGEST_QUEUES = ("metadataExtraction", "storageTemplateMigration", "thumbnailGeneration")


def distinct_jpeg(seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (1600, 1200), tuple(rng.randrange(256) for _ in range(3)))
    noise = Image.effect_noise((1600, 1200), 40 + seed % 20).convert("RGB")
    image = Image.blend(image, noise, 0.3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


async def _setup_admin(base: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        await http.post(
            "/api/auth/admin-sign-up", json={"email": "a@albumen.test", "password": "pw", "name": "A"}
        )
        token = (
            await http.post("/api/auth/login", json={"email": "a@albumen.test", "password": "pw"})
        ).json()
    return {"Authorization": f"Bearer {token['accessToken']}"}


async def _upload_all(
    base: str, headers: dict[str, str], files: list[bytes], server: LiveServer
) -> dict[int, str]:
    """Upload concurrently; SIGKILL the server once enough answers are in. Returns index -> asset id."""
    acknowledged: dict[int, str] = {}
    dates = {"fileCreatedAt": "2024-01-01T00:00:00.000Z", "fileModifiedAt": "2024-01-01T00:00:00.000Z"}

    async def one(http: httpx.AsyncClient, index: int) -> None:
        try:
            response = await http.post(
                "/api/assets",
                data=dates,
                files={"assetData": (f"photo-{index}.jpg", files[index], "image/jpeg")},
                headers=headers,
            )
        except httpx.HTTPError:
            return
        if response.status_code in (200, 201):
            acknowledged[index] = response.json()["id"]
            if len(acknowledged) == KILL_AFTER_RESPONSES:
                assert server.process is not None
                server.process.send_signal(signal.SIGKILL)

    limits = httpx.Limits(max_connections=UPLOADS)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        await asyncio.gather(*(one(http, index) for index in range(UPLOADS)))
    return acknowledged


async def _wait_until_processed(base: str, headers: dict[str, str], limit_seconds: float = 300) -> None:
    """Until the ingest queues are idle (machine learning is unreachable here: its jobs wait on)."""
    deadline = time.monotonic() + limit_seconds
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.monotonic() < deadline:
            queues = (await http.get("/api/jobs", headers=headers)).json()
            busy = sum(
                queues[name]["jobCounts"][state]
                for name in INGEST_QUEUES
                for state in ("active", "waiting", "delayed")
            )
            if busy == 0:
                return
            await asyncio.sleep(0.5)
    raise TimeoutError("jobs did not finish")


def _files_under(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


async def test_sigkill_during_uploads_loses_nothing_promised_and_orphans_nothing(
    live_server: LiveServer,
) -> None:
    files = [distinct_jpeg(seed) for seed in range(UPLOADS)]
    live_server.start()
    headers = await _setup_admin(live_server.url)
    acknowledged = await _upload_all(live_server.url, headers, files, live_server)
    assert live_server.process is not None
    live_server.process.wait(30)
    assert len(acknowledged) >= KILL_AFTER_RESPONSES

    live_server.start()
    await _wait_until_processed(live_server.url, headers)
    media = live_server.data_dir / "media"
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        for index, asset_id in acknowledged.items():
            asset = (await http.get(f"/api/assets/{asset_id}", headers=headers)).json()
            original = (await http.get(f"/api/assets/{asset_id}/original", headers=headers)).content
            assert hashlib.sha1(original).digest() == hashlib.sha1(files[index]).digest(), index
            assert (await http.get(f"/api/assets/{asset_id}/thumbnail", headers=headers)).status_code == 200
            assert asset["thumbhash"], "processed after the restart"
        listed = (
            await http.post("/api/search/metadata", json={"size": 1000, "withDeleted": True}, headers=headers)
        ).json()["assets"]["items"]

    # Every original on disk belongs to an asset, and the staging folder is empty.
    originals = _files_under(media / "upload")
    referenced = {asset["originalPath"] for asset in listed}
    assert {f"upload/{path}" for path in originals if not path.startswith(".staging/")} == referenced
    assert not any(path.startswith(".staging/") for path in originals)
    # Every row has its file: nothing was stored that the API cannot serve.
    assert all((media / asset["originalPath"]).is_file() for asset in listed)
