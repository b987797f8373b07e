"""``immich upload --recursive --album`` (``@immich/cli`` 3.2.2) over the shared test data, twice.

The issue's first "Done when": every supported file becomes an asset, albums named after the folders
hold them, and a second run finds only duplicates. Flow: NOTES.md §4.1. The test data is read in
place; three of its files are byte-identical (the same JPEG under ``albums/nature``,
``formats/jpg`` and ``formats/jpeg``), so they share one asset that all three albums hold.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import pytest

from albumen.media.formats import asset_type_of
from tests.compat.immich_cli import ImmichCli, install_immich_cli
from tests.compat.test_immich_cli import logged_in
from tests.conftest import TESTDATA, LiveServer

pytestmark = [pytest.mark.compat, pytest.mark.slow]

UPLOAD_TIMEOUT = 600
#: Processing that may add assets (metadata extraction splits motion photos) or move files.
INGEST_QUEUES = ("metadataExtraction", "storageTemplateMigration", "thumbnailGeneration")


@pytest.fixture(scope="session")
def immich_cli() -> ImmichCli:
    return install_immich_cli()


def supported_files() -> dict[Path, str]:
    """Every file of the test data the CLI should upload, with its hex SHA-1."""
    return {
        path: hashlib.sha1(path.read_bytes()).hexdigest()
        for path in sorted(TESTDATA.rglob("*"))
        if path.is_file() and asset_type_of(path.name) is not None
    }


async def assets_by_checksum(http: httpx.AsyncClient, files: dict[Path, str]) -> dict[str, str]:
    """hex SHA-1 -> asset id, as the server's own duplicate check reports them."""
    response = await http.post(
        "/api/assets/bulk-upload-check",
        json={"assets": [{"id": str(path), "checksum": checksum} for path, checksum in files.items()]},
    )
    assert response.status_code == 200, response.text
    found: dict[str, str] = {}
    for result in response.json()["results"]:
        assert (result["action"], result.get("reason")) == ("reject", "duplicate"), result
        found[files[Path(result["id"])]] = result["assetId"]
    return found


async def album_contents(http: httpx.AsyncClient) -> dict[str, set[str]]:
    albums = (await http.get("/api/albums")).json()
    contents: dict[str, set[str]] = {}
    for album in albums:
        page = await http.post("/api/search/metadata", json={"albumIds": [album["id"]], "size": 1000})
        assert page.status_code == 200, page.text
        contents[album["albumName"]] = {asset["id"] for asset in page.json()["assets"]["items"]}
        assert album["assetCount"] == len(contents[album["albumName"]])
    return contents


async def processed(http: httpx.AsyncClient, limit_seconds: float = 300) -> None:
    deadline = time.monotonic() + limit_seconds
    while time.monotonic() < deadline:
        queues = (await http.get("/api/jobs")).json()
        counts = (queues[name]["jobCounts"] for name in INGEST_QUEUES)
        if not any(count[state] for count in counts for state in ("active", "waiting", "delayed")):
            return
        await asyncio.sleep(0.5)
    raise TimeoutError("the uploads were not processed")


async def every_asset_id(http: httpx.AsyncClient) -> set[str]:
    ids: set[str] = set()
    for visibility in ("timeline", "archive", "hidden"):
        page = await http.post(
            "/api/search/metadata", json={"size": 1000, "visibility": visibility, "withDeleted": True}
        )
        assert page.status_code == 200, page.text
        ids |= {asset["id"] for asset in page.json()["assets"]["items"]}
    return ids


async def test_upload_recursive_album_creates_every_file_once_and_albums_per_folder(
    live_server: LiveServer, immich_cli: ImmichCli, tmp_path: Path
) -> None:
    config_dir = tmp_path / "immich-config"
    key = await logged_in(live_server, immich_cli, config_dir)
    files = supported_files()
    unique = set(files.values())

    first = await asyncio.to_thread(
        immich_cli.run, "upload", "--recursive", "--album", str(TESTDATA),
        config_dir=config_dir, timeout=UPLOAD_TIMEOUT,
    )  # fmt: skip

    output = first.stdout + first.stderr
    assert first.returncode == 0, output
    assert f"Found {len(files)} new files and 0 duplicates" in output
    assert f"Successfully uploaded {len(unique)} new assets" in output
    assert "Failed to upload" not in output
    async with httpx.AsyncClient(base_url=live_server.url, headers={"x-api-key": key}, timeout=60) as http:
        asset_ids = await assets_by_checksum(http, files)
        assert set(asset_ids) == unique
        expected_albums: dict[str, set[str]] = defaultdict(set)
        for path, checksum in files.items():
            expected_albums[path.parent.name].add(asset_ids[checksum])
        assert await album_contents(http) == expected_albums
        await processed(http)
        stored = await every_asset_id(http)
        # Beyond the uploads: only what the server derives itself (a motion photo's hidden video).
        assert set(asset_ids.values()) <= stored
        derived = [await http.get(f"/api/assets/{asset_id}") for asset_id in stored - set(asset_ids.values())]
        assert all(_is_hidden_motion_part(response.json()) for response in derived), derived

    second = await asyncio.to_thread(
        immich_cli.run, "upload", "--recursive", "--album", str(TESTDATA),
        config_dir=config_dir, timeout=UPLOAD_TIMEOUT,
    )  # fmt: skip

    output = second.stdout + second.stderr
    assert second.returncode == 0, output
    assert f"Found 0 new files and {len(files)} duplicates" in output
    assert "All assets were already uploaded, nothing to do." in output
    async with httpx.AsyncClient(base_url=live_server.url, headers={"x-api-key": key}, timeout=60) as http:
        await processed(http)
        assert await every_asset_id(http) == stored
        assert await album_contents(http) == expected_albums


def _is_hidden_motion_part(asset: dict[str, Any]) -> bool:
    return asset["visibility"] == "hidden" and asset["type"] == "VIDEO"
