"""The web app's serving rules: cacheable hashed assets, a no-cache index, the SPA fallback, and an
API that behaves exactly as if no web app were mounted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from albumen.api.app import create_app
from albumen.api.state import AppState
from albumen.api.web import WebAppRoute, mount_web_app
from albumen.config import Settings
from albumen.db.engine import Database

INDEX = "<!doctype html><html><body><script src=/_app/immutable/index-abc123.js></script></body></html>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "web_dist"
    (root / "_app" / "immutable").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "_app" / "immutable" / "index-abc123.js").write_text("console.log('albumen')")
    (root / "_app" / "immutable" / "index-abc123.css").write_text("body{}")
    (root / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text("outside the build")
    return root


@pytest.fixture
async def web_client(database: Database, settings: Settings, dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings.media_root.mkdir(parents=True, exist_ok=True)
    app = create_app(AppState(settings=settings, database=database))
    # Whatever build the checkout has, these tests serve their own small one.
    app.router.routes[:] = [route for route in app.router.routes if not isinstance(route, WebAppRoute)]
    assert mount_web_app(app, dist)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://albumen.test") as http:
        yield http


async def test_hashed_assets_are_cached_for_a_year(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/_app/immutable/index-abc123.js")
    assert response.status_code == 200
    assert response.text == "console.log('albumen')"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in response.headers["content-type"]


async def test_a_missing_hashed_asset_is_a_404_not_the_page(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/_app/immutable/index-old999.js")
    assert response.status_code == 404
    assert "<html" not in response.text


APP_PATHS = ["/", "/photos", "/albums/0b4a1c1e-1111-4222-8333-944445555666", "/share/abc?x=1"]


@pytest.mark.parametrize("path", APP_PATHS)
async def test_app_paths_get_index_html_uncached(web_client: httpx.AsyncClient, path: str) -> None:
    response = await web_client.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


async def test_other_build_files_are_served_with_a_short_cache(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/favicon.svg")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=3600"


async def test_paths_cannot_escape_the_build(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/..%2Fsecret.txt")
    assert "outside the build" not in response.text
    response = await web_client.get("/_app/immutable/..%2F..%2F..%2Fsecret.txt")
    assert response.status_code == 404


async def test_unknown_api_paths_stay_json_404(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/api/no-such-endpoint")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["message"] == "Cannot GET /api/no-such-endpoint"


async def test_api_and_well_known_still_answer(web_client: httpx.AsyncClient) -> None:
    ping = await web_client.get("/api/server/ping")
    assert ping.status_code == 200
    assert ping.json() == {"res": "pong"}
    well_known = await web_client.get("/.well-known/immich")
    assert well_known.status_code == 200
    assert well_known.json() == {"api": {"endpoint": "/api"}}
    missing = await web_client.get("/.well-known/nothing-here")
    assert missing.status_code == 404
    assert "<html" not in missing.text


async def test_non_get_requests_are_not_answered_with_the_page(web_client: httpx.AsyncClient) -> None:
    response = await web_client.post("/photos")
    assert response.status_code in (404, 405)
    assert "<html" not in response.text


def test_nothing_is_mounted_without_a_build(tmp_path: Path) -> None:
    app = FastAPI()
    assert not mount_web_app(app, tmp_path / "missing")
    assert not any(isinstance(route, WebAppRoute) for route in app.router.routes)
