"""Everyone sees exactly what they were given: partners, album members (editor and viewer roles) and
shared links (individual, album, no download, password, expired), across the asset, album, download,
timeline and search endpoints."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from albumen.api.deps import SHARED_LINK_OPERATIONS
from albumen.config import Settings
from albumen.db.engine import Database
from tests.api.asset_support import add_file, upload
from tests.api.listing_support import share_library
from tests.api.test_albums import create_album
from tests.conftest import SHARED
from tests.helpers import LoggedIn, create_user, sign_up_admin

USERS = ("owner", "partner", "editor", "viewer", "stranger")
LINKS = ("individual_link", "album_link", "no_download_link", "password_link", "expired_link")
#: Links that fail before any access check: a password not given yet, an expiry passed.
LOCKED_LINKS = ("password_link", "expired_link")


@dataclass
class World:
    """The owner's assets, an album shared with an editor and a viewer, a partner, and links."""

    album_id: str
    assets: dict[str, str]
    users: dict[str, LoggedIn]
    link_keys: dict[str, str] = field(default_factory=dict)

    def credentials(self, who: str) -> dict[str, Any]:
        if who in self.users:
            return {"headers": self.users[who].headers}
        return {"params": {"key": self.link_keys[who]}}


async def build_world(client: httpx.AsyncClient, database: Database, settings: Settings) -> World:
    owner = await sign_up_admin(client)
    users = {"owner": owner}
    for name in USERS[1:]:
        users[name] = await create_user(client, owner, f"{name}@albumen.test")
    await share_library(database, owner, users["partner"], in_timeline=True)
    assets = {
        "album_photo": await upload(client, owner, "album.jpg"),
        "album_video": await upload(client, owner, "album.mp4"),
        "link_photo": await upload(client, owner, "link.jpg"),
        "private_photo": await upload(client, owner, "private.jpg"),
        "private_video": await upload(client, owner, "private.mp4"),
    }
    for asset_id in assets.values():
        await add_file(database, settings, asset_id, "thumbnail", b"RIFFthumb", ".webp")
    members = [
        {"userId": users["editor"].user_id, "role": "editor"},
        {"userId": users["viewer"].user_id, "role": "viewer"},
    ]
    album = await create_album(
        client, owner, albumUsers=members, assetIds=[assets["album_photo"], assets["album_video"]]
    )
    world = World(album_id=album["id"], assets=assets, users=users)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    bodies = {
        "individual_link": {"type": "INDIVIDUAL", "assetIds": [assets["link_photo"]]},
        "album_link": {"type": "ALBUM", "albumId": album["id"]},
        "no_download_link": {"type": "ALBUM", "albumId": album["id"], "allowDownload": False},
        "password_link": {"type": "ALBUM", "albumId": album["id"], "password": "secret"},
        "expired_link": {"type": "ALBUM", "albumId": album["id"], "expiresAt": past},
    }
    for name, body in bodies.items():
        response = await client.post("/api/shared-links", json=body, headers=owner.headers)
        assert response.status_code == 201, response.text
        world.link_keys[name] = response.json()["key"]
    return world


ALL_ASSETS = {"album_photo", "album_video", "link_photo", "private_photo", "private_video"}
ALBUM_ASSETS = {"album_photo", "album_video"}
#: Which of the owner's assets each caller may see.
VISIBLE = {
    "owner": ALL_ASSETS,
    "partner": ALL_ASSETS,
    "editor": ALBUM_ASSETS,
    "viewer": ALBUM_ASSETS,
    "stranger": set(),
    "individual_link": {"link_photo"},
    "album_link": ALBUM_ASSETS,
    "no_download_link": ALBUM_ASSETS,
}
#: Which each caller may download (a link only where it allows downloads).
DOWNLOADABLE = {**VISIBLE, "no_download_link": set()}


@dataclass(frozen=True)
class AssetEndpoint:
    method: str
    url: str
    permission: str
    allowed_status: int
    grants: dict[str, set[str]]
    #: None: the asset id goes in the URL; else the JSON body made from it.
    body: Any = None
    assets: frozenset[str] = frozenset(ALL_ASSETS)


ASSET_READS = [
    AssetEndpoint("GET", "/api/assets/{id}", "asset.read", 200, VISIBLE),
    AssetEndpoint("GET", "/api/assets/{id}/thumbnail", "asset.view", 200, VISIBLE),
    AssetEndpoint("GET", "/api/assets/{id}/original", "asset.download", 200, DOWNLOADABLE),
    AssetEndpoint(
        "GET",
        "/api/assets/{id}/video/playback",
        "asset.view",
        200,
        VISIBLE,
        assets=frozenset({"album_video", "private_video"}),
    ),
    AssetEndpoint(
        "POST", "/api/download/info", "asset.download", 201, DOWNLOADABLE, body=lambda i: {"assetIds": [i]}
    ),
    AssetEndpoint(
        "POST", "/api/download/archive", "asset.download", 200, DOWNLOADABLE, body=lambda i: {"assetIds": [i]}
    ),
]


@pytest.mark.parametrize("endpoint", ASSET_READS, ids=lambda e: f"{e.method} {e.url}")
async def test_asset_reads_show_each_caller_exactly_their_assets(
    client: httpx.AsyncClient, database: Database, settings: Settings, endpoint: AssetEndpoint
) -> None:
    world = await build_world(client, database, settings)
    outcomes = []
    for who in (*USERS, *LINKS):
        for name in sorted(endpoint.assets):
            asset_id = world.assets[name]
            url = endpoint.url.replace("{id}", asset_id)
            body = endpoint.body(asset_id) if endpoint.body else None
            response = await client.request(endpoint.method, url, json=body, **world.credentials(who))
            if who in LOCKED_LINKS:
                expected = 401
            else:
                expected = endpoint.allowed_status if name in endpoint.grants[who] else 400
            outcomes.append((who, name, response.status_code, expected))
            if expected == 400:
                assert response.json() == {"message": f"Not found or no {endpoint.permission} access"}
    assert [row for row in outcomes if row[2] != row[3]] == []


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("PUT", "/api/assets/{id}", {"isFavorite": True}, 200),
        ("PUT", "/api/assets", {"ids": ["{id}"], "isFavorite": True}, 204),
        ("DELETE", "/api/assets", {"ids": ["{id}"]}, 204),
        ("GET", "/api/assets/{id}/metadata", None, 200),
    ],
)
async def test_only_the_owner_changes_assets(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    method: str,
    url: str,
    body: Any,
    status: int,
) -> None:
    """Partners and members may look but not touch; links may not even reach these routes."""
    world = await build_world(client, database, settings)
    asset_id = world.assets["album_photo"]
    target = url.replace("{id}", asset_id)
    payload = None if body is None else _fill(body, asset_id)
    for who in (*USERS[1:], *LINKS):
        response = await client.request(method, target, json=payload, **world.credentials(who))
        if who in LINKS:
            expected = 401 if who == "expired_link" else 403
        elif method == "GET" and who in ("partner", "editor", "viewer"):
            expected = 200  # reading an asset's metadata is a read
        else:
            expected = 400
        assert response.status_code == expected, (who, response.text)
        if expected == 403:
            assert response.json() == {"message": "Forbidden"}
        elif expected == 400:
            assert response.json()["message"].startswith("Not found or no asset."), response.text
    owner = await client.request(method, target, json=payload, **world.credentials("owner"))
    assert owner.status_code == status, owner.text


def _fill(body: Any, asset_id: str) -> Any:
    if isinstance(body, dict):
        return {key: _fill(value, asset_id) for key, value in body.items()}
    if isinstance(body, list):
        return [_fill(value, asset_id) for value in body]
    return asset_id if body == "{id}" else body


ALBUM_READERS = {"owner", "editor", "viewer", "album_link", "no_download_link"}


@pytest.mark.parametrize("url", ["/api/albums/{id}", "/api/albums/{id}/map-markers"])
async def test_album_reads(
    client: httpx.AsyncClient, database: Database, settings: Settings, url: str
) -> None:
    world = await build_world(client, database, settings)
    for who in (*USERS, *LINKS):
        response = await client.get(url.replace("{id}", world.album_id), **world.credentials(who))
        expected = 401 if who in LOCKED_LINKS else 200 if who in ALBUM_READERS else 400
        assert response.status_code == expected, (who, response.text)


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
async def test_album_asset_changes_need_an_editor(
    client: httpx.AsyncClient, database: Database, settings: Settings, method: str
) -> None:
    world = await build_world(client, database, settings)
    url = f"/api/albums/{world.album_id}/assets"
    body = {"ids": [world.assets["album_photo"]]}
    for who in ("viewer", "partner", "stranger", *LINKS, "editor", "owner"):
        response = await client.request(method, url, json=body, **world.credentials(who))
        if who in LINKS:
            expected = 401 if who == "expired_link" else 403
        else:
            expected = 200 if who in ("owner", "editor") else 400
        assert response.status_code == expected, (who, response.text)


async def test_album_lists_show_own_and_shared_albums_only(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(client, database, settings)
    for who in USERS:
        response = await client.get("/api/albums", **world.credentials(who))
        listed = [album["id"] for album in response.json()]
        assert listed == ([world.album_id] if who in ("owner", "editor", "viewer") else []), who


async def test_timelines(client: httpx.AsyncClient, database: Database, settings: Settings) -> None:
    world = await build_world(client, database, settings)
    album = {"albumId": world.album_id}
    album_photo_ids = sorted(world.assets[name] for name in ALBUM_ASSETS)
    for who in (*USERS, *LINKS):
        credentials = world.credentials(who)
        params = {**credentials.pop("params", {}), **album}
        buckets = await client.get("/api/timeline/buckets", params=params, **credentials)
        expected = 401 if who in LOCKED_LINKS else 200 if who in ALBUM_READERS else 400
        assert buckets.status_code == expected, (who, buckets.text)
        if expected == 200:
            assert buckets.json() == [{"timeBucket": "2024-07-01", "count": 2}]
            bucket = await client.get(
                "/api/timeline/bucket", params={**params, "timeBucket": "2024-07-01"}, **credentials
            )
            assert sorted(bucket.json()["id"]) == album_photo_ids
    for who in ("album_link", "individual_link"):
        own_timeline = await client.get("/api/timeline/buckets", **world.credentials(who))
        assert (own_timeline.status_code, own_timeline.json()) == (
            400,
            {"message": "Not found or no timeline.read access"},
        )
    partner_view = await client.get(
        "/api/timeline/buckets",
        params={"userId": world.users["owner"].user_id},
        **world.credentials("partner"),
    )
    assert partner_view.json() == [{"timeBucket": "2024-07-01", "count": 5}]
    stranger_view = await client.get(
        "/api/timeline/buckets",
        params={"userId": world.users["owner"].user_id},
        **world.credentials("stranger"),
    )
    assert stranger_view.status_code == 400


async def test_links_search_only_within_their_album(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(client, database, settings)
    anywhere = await client.post("/api/search/metadata", json={}, **world.credentials("album_link"))
    assert (anywhere.status_code, anywhere.json()) == (
        400,
        {"message": "Shared link access is only allowed in combination with an albumIds filter"},
    )
    in_album = await client.post(
        "/api/search/metadata", json={"albumIds": [world.album_id]}, **world.credentials("album_link")
    )
    assert in_album.status_code == 200, in_album.text
    found = sorted(item["id"] for item in in_album.json()["assets"]["items"])
    assert found == sorted(world.assets[name] for name in ALBUM_ASSETS)
    other = await client.post(
        "/api/search/metadata", json={"albumIds": [world.album_id]}, **world.credentials("individual_link")
    )
    assert (other.status_code, other.json()) == (400, {"message": "Not found or no album.read access"})
    owner_search = await client.post("/api/search/metadata", json={}, **world.credentials("owner"))
    assert owner_search.json()["assets"]["total"] == len(ALL_ASSETS)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/albums"),
        ("GET", "/api/users/me"),
        ("GET", "/api/map/markers"),
        ("GET", "/api/assets/statistics"),
        ("GET", "/api/search/explore"),
        ("GET", "/api/stacks"),
        ("GET", "/api/shared-links"),
        ("GET", "/api/activities?albumId={album}"),
    ],
)
async def test_links_reach_no_other_route(
    client: httpx.AsyncClient, database: Database, settings: Settings, method: str, url: str
) -> None:
    world = await build_world(client, database, settings)
    target = url.replace("{owner}", world.users["owner"].user_id).replace("{album}", world.album_id)
    for who in ("album_link", "individual_link", "password_link"):
        response = await client.request(method, target, json={}, **world.credentials(who))
        assert (response.status_code, response.json()) == (403, {"message": "Forbidden"}), who


async def test_a_link_downloads_its_album_only_where_allowed(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(client, database, settings)
    body = {"albumId": world.album_id}
    allowed = await client.post("/api/download/info", json=body, **world.credentials("album_link"))
    assert allowed.status_code == 201, allowed.text
    assert sorted(allowed.json()["archives"][0]["assetIds"]) == sorted(
        world.assets[name] for name in ALBUM_ASSETS
    )
    refused = await client.post("/api/download/info", json=body, **world.credentials("no_download_link"))
    assert (refused.status_code, refused.json()) == (
        400,
        {"message": "Not found or no album.download access"},
    )
    whole_library = await client.post(
        "/api/download/info", json={"userId": world.users["owner"].user_id}, **world.credentials("album_link")
    )
    assert whole_library.status_code == 400


def test_links_open_the_routes_immich_opens_to_them() -> None:
    """Immich's spec gives ``key``/``slug`` exactly to the operations a link may call."""
    operations = json.loads((SHARED / "immich-api" / "operations-3.2.2.json").read_text())
    with_link = {
        (operation["method"], operation["path"])
        for operation in operations
        if {"key", "slug"} & set(operation["query"])
    }
    assert with_link == SHARED_LINK_OPERATIONS
