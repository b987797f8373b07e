"""Serving the built web app (``web/`` built into ``albumen/web_dist/`` by ``scripts/build-web``).

Hashed files under ``/_app/immutable/`` never change, so browsers may keep them for a year;
``index.html`` names the current hashes, so it is revalidated on every load. Any other GET that is
not an API path gets ``index.html`` (the app routes in the browser). ``/api/*`` and
``/.well-known/*`` never reach this route, so unknown API paths keep their JSON 404 (and wrong
methods their 405) exactly as without the web app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

DIST_DIR = Path(__file__).resolve().parent.parent / "web_dist"

IMMUTABLE_PREFIX = "/_app/immutable/"
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
STATIC_CACHE = "public, max-age=3600"
INDEX_CACHE = "no-cache"
_RESERVED_PREFIXES = ("/api/", "/.well-known/")


def is_reserved(path: str) -> bool:
    """Paths that belong to the API (and its discovery document), never to the web app."""
    return path in ("/api", "/.well-known") or path.startswith(_RESERVED_PREFIXES)


class WebAppRoute(BaseRoute):
    """A catch-all GET/HEAD route for the single-page app, matched after every API route."""

    def __init__(self, dist_dir: Path) -> None:
        self.dist_dir = dist_dir.resolve()
        self.index = self.dist_dir / "index.html"

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or is_reserved(scope["path"]):
            return Match.NONE, {}
        return Match.FULL, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self.response_for(scope["path"])
        await response(scope, receive, send)

    def response_for(self, path: str) -> Response:
        if path.startswith(IMMUTABLE_PREFIX):
            # A stale page asking for an old hash must get a 404, not HTML served as JavaScript.
            file = self.file_at(path)
            if file is None:
                raise HTTPException(status_code=404)
            return FileResponse(file, headers={"Cache-Control": IMMUTABLE_CACHE})
        file = self.file_at(path)
        if file is not None and file != self.index:
            return FileResponse(file, headers={"Cache-Control": STATIC_CACHE})
        return FileResponse(self.index, media_type="text/html", headers={"Cache-Control": INDEX_CACHE})

    def file_at(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        if not relative:
            return None
        candidate = (self.dist_dir / relative).resolve()
        if not candidate.is_relative_to(self.dist_dir) or not candidate.is_file():
            return None
        return candidate


def mount_web_app(app: FastAPI, dist_dir: Path = DIST_DIR) -> bool:
    """Add the web app as the last route when a build exists; returns whether it was mounted."""
    if not (dist_dir / "index.html").is_file():
        return False
    app.router.routes.append(WebAppRoute(dist_dir))
    return True
