"""The official Immich CLI 3.2.2 (``@immich/cli`` from npm) against a live ``albumen serve``.

Flows: NOTES.md §4.1. If npm can't be reached this fails rather than skips: CI has the registry.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import httpx
import pytest
import yaml

from tests.compat.immich_cli import ImmichCli, install_immich_cli
from tests.conftest import TESTDATA, LiveServer
from tests.helpers import ADMIN_EMAIL, create_api_key, sign_up_admin

pytestmark = [pytest.mark.compat, pytest.mark.slow]

UPLOADS = (
    TESTDATA / "immich-test-assets" / "metadata" / "rating" / "mongolels.jpg",
    TESTDATA / "immich-test-assets" / "metadata" / "gps-position" / "thompson-springs.jpg",
    TESTDATA / "videos" / "h264-aac-gps.mp4",
)


@pytest.fixture(scope="session")
def immich_cli() -> ImmichCli:
    return install_immich_cli()


async def started_with_admin_key(server: LiveServer, permissions: list[str]) -> str:
    await asyncio.to_thread(server.start)
    async with httpx.AsyncClient(base_url=server.url) as http:
        admin = await sign_up_admin(http)
        return await create_api_key(http, admin, permissions=permissions, name="immich cli")


async def logged_in(server: LiveServer, cli: ImmichCli, config_dir: Path) -> str:
    key = await started_with_admin_key(server, ["all"])
    login = await asyncio.to_thread(cli.run, "login", server.url, key, config_dir=config_dir)
    assert login.returncode == 0, login.stdout + login.stderr
    return key


async def test_login_checks_the_key_and_writes_auth_yml(
    live_server: LiveServer, immich_cli: ImmichCli, tmp_path: Path
) -> None:
    key = await started_with_admin_key(live_server, ["all"])
    config_dir = tmp_path / "immich-config"

    login = await asyncio.to_thread(immich_cli.run, "login", live_server.url, key, config_dir=config_dir)

    assert login.returncode == 0, login.stdout + login.stderr
    assert f"Logged in as {ADMIN_EMAIL}" in login.stdout
    auth = yaml.safe_load((config_dir / "auth.yml").read_text())
    assert auth == {"url": live_server.url, "key": key}


async def test_server_info_prints_what_the_server_reports(
    live_server: LiveServer, immich_cli: ImmichCli, tmp_path: Path
) -> None:
    config_dir = tmp_path / "immich-config"
    key = await logged_in(live_server, immich_cli, config_dir)
    library = tmp_path / "library"
    library.mkdir()
    for source in UPLOADS:
        shutil.copy(source, library / source.name)
    upload = await asyncio.to_thread(
        immich_cli.run, "upload", "--recursive", str(library), config_dir=config_dir
    )
    assert upload.returncode == 0, upload.stdout + upload.stderr

    info = await asyncio.to_thread(immich_cli.run, "server-info", config_dir=config_dir)

    async with httpx.AsyncClient(base_url=live_server.url, headers={"x-api-key": key}) as http:
        version = (await http.get("/api/server/version")).json()
        media_types = (await http.get("/api/server/media-types")).json()
        statistics = await http.get("/api/assets/statistics")
    assert statistics.status_code == 200, statistics.text
    assert info.returncode == 0, info.stdout + info.stderr
    counts = statistics.json()
    lines = [line.strip() for line in info.stdout.splitlines()]
    assert f"Server Info (via {ADMIN_EMAIL})" in lines
    # The CLI reports the API base it found through /.well-known/immich.
    assert f"Url: {live_server.url}/api" in lines
    assert "Version: 3.2.2" in lines
    assert f"Version: {version['major']}.{version['minor']}.{version['patch']}" in lines
    for kind, label in (("image", "Images"), ("video", "Videos")):
        # The CLI prints a JS array: comma-joined, each extension without its first dot.
        extensions = ",".join(extension.replace(".", "", 1) for extension in media_types[kind])
        assert f"{label}: {extensions}" in lines
    assert (counts["images"], counts["videos"], counts["total"]) == (2, 1, 3)
    assert lines[lines.index("Statistics:") + 1 :] == [
        f"Images: {counts['images']}",
        f"Videos: {counts['videos']}",
        f"Total: {counts['total']}",
    ]


async def test_login_with_a_key_lacking_user_read_is_refused(
    live_server: LiveServer, immich_cli: ImmichCli, tmp_path: Path
) -> None:
    key = await started_with_admin_key(live_server, ["asset.read"])
    config_dir = tmp_path / "immich-config"

    login = await asyncio.to_thread(immich_cli.run, "login", live_server.url, key, config_dir=config_dir)

    assert login.returncode != 0
    assert "Missing required permission" in login.stdout + login.stderr
    assert not (config_dir / "auth.yml").exists()


async def test_wrong_key_makes_login_fail(
    live_server: LiveServer, immich_cli: ImmichCli, tmp_path: Path
) -> None:
    await started_with_admin_key(live_server, ["all"])
    config_dir = tmp_path / "immich-config"

    login = await asyncio.to_thread(
        immich_cli.run, "login", live_server.url, "not-a-real-key", config_dir=config_dir
    )

    assert login.returncode != 0
    assert not (config_dir / "auth.yml").exists()
