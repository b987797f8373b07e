"""Shared links: creating and editing them, and opening one by key, slug, header and password."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import httpx
from sqlalchemy import select

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import AlbumAsset
from tests.api.asset_support import add_file
from tests.api.test_albums import create_album, seed_assets
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin


async def create_link(client: httpx.AsyncClient, user: LoggedIn, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/shared-links", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    link: dict[str, Any] = response.json()
    assert_shape(link, "SharedLinkResponseDto")
    return link


async def test_individual_link_has_immich_defaults_and_its_assets(
    client: httpx.AsyncClient, database: Database
) -> None:
    owner = await sign_up_admin(client)
    asset_ids = await seed_assets(database, owner, 2)

    link = await create_link(client, owner, type="INDIVIDUAL", assetIds=asset_ids, description="")

    assert len(base64.urlsafe_b64decode(link["key"] + "==")) == 50
    assert {key: link[key] for key in ("type", "userId", "description", "password", "slug", "expiresAt")} == {
        "type": "INDIVIDUAL",
        "userId": owner.user_id,
        "description": None,
        "password": None,
        "slug": None,
        "expiresAt": None,
    }
    assert (link["allowUpload"], link["allowDownload"], link["showMetadata"]) == (True, True, True)
    assert [asset["id"] for asset in link["assets"]] == asset_ids
    assert "album" not in link

    listed = (await client.get("/api/shared-links", headers=owner.headers)).json()
    assert [item["id"] for item in listed] == [link["id"]]
    by_id = await client.get(f"/api/shared-links/{link['id']}", headers=owner.headers)
    assert by_id.status_code == 200
    assert by_id.json() == link


async def test_album_link_carries_the_album_and_no_assets(
    client: httpx.AsyncClient, database: Database
) -> None:
    owner = await sign_up_admin(client)
    album = await create_album(client, owner, assetIds=await seed_assets(database, owner, 2))
    other = await create_album(client, owner, albumName="Other")

    link = await create_link(client, owner, type="ALBUM", albumId=album["id"], showMetadata=False)

    assert link["assets"] == []
    assert (link["album"]["id"], link["album"]["hasSharedLink"], link["album"]["shared"]) == (
        album["id"],
        True,
        True,
    )
    assert (link["showMetadata"], link["allowDownload"]) == (False, False)
    filtered = await client.get("/api/shared-links", params={"albumId": other["id"]}, headers=owner.headers)
    assert filtered.json() == []
    filtered = await client.get("/api/shared-links", params={"albumId": album["id"]}, headers=owner.headers)
    assert [item["id"] for item in filtered.json()] == [link["id"]]


async def test_create_refuses_what_the_caller_may_not_share(
    client: httpx.AsyncClient, database: Database
) -> None:
    owner = await sign_up_admin(client)
    stranger = await create_user(client, owner, "stranger@albumen.test")
    (asset_id,) = await seed_assets(database, owner, 1)
    album = await create_album(client, owner)

    cases = [
        ({"type": "ALBUM"}, owner, "Invalid albumId"),
        ({"type": "INDIVIDUAL", "assetIds": []}, owner, "Invalid assetIds"),
        ({"type": "INDIVIDUAL", "assetIds": [asset_id]}, stranger, "Not found or no asset.share access"),
        ({"type": "ALBUM", "albumId": album["id"]}, stranger, "Not found or no album.share access"),
    ]
    for body, user, message in cases:
        response = await client.post("/api/shared-links", json=body, headers=user.headers)
        assert (response.status_code, response.json()) == (400, {"message": message}), body


async def test_slugs_are_unique_and_edits_change_only_what_is_sent(
    client: httpx.AsyncClient, database: Database
) -> None:
    owner = await sign_up_admin(client)
    stranger = await create_user(client, owner, "stranger@albumen.test")
    asset_ids = await seed_assets(database, owner, 1)
    link = await create_link(client, owner, type="INDIVIDUAL", assetIds=asset_ids, slug="summer")

    taken = await client.post(
        "/api/shared-links",
        json={"type": "INDIVIDUAL", "assetIds": asset_ids, "slug": "summer"},
        headers=owner.headers,
    )
    assert (taken.status_code, taken.json()) == (400, {"message": "Failed to save shared link"})

    expiry = "2030-01-02T03:04:05.000Z"
    edited = await client.patch(
        f"/api/shared-links/{link['id']}",
        json={"description": "Trip", "expiresAt": expiry, "allowUpload": False, "password": "pw"},
        headers=owner.headers,
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert_shape(body, "SharedLinkResponseDto")
    assert (body["description"], body["expiresAt"], body["allowUpload"], body["password"], body["slug"]) == (
        "Trip",
        expiry,
        False,
        "pw",
        "summer",
    )
    cleared = await client.patch(
        f"/api/shared-links/{link['id']}",
        json={"changeExpiryTime": True, "password": ""},
        headers=owner.headers,
    )
    assert (cleared.json()["expiresAt"], cleared.json()["password"]) == (None, None)

    for method in ("GET", "PATCH", "DELETE"):
        response = await client.request(
            method, f"/api/shared-links/{link['id']}", json={}, headers=stranger.headers
        )
        assert (response.status_code, response.json()) == (400, {"message": "Shared link not found"})

    assert (await client.delete(f"/api/shared-links/{link['id']}", headers=owner.headers)).status_code == 204
    assert (await client.get(f"/api/shared-links/{link['id']}", headers=owner.headers)).status_code == 400


async def test_a_link_opens_by_key_slug_or_header(client: httpx.AsyncClient, database: Database) -> None:
    owner = await sign_up_admin(client)
    asset_ids = await seed_assets(database, owner, 1)
    link = await create_link(client, owner, type="INDIVIDUAL", assetIds=asset_ids, slug="my-trip")

    hex_key = base64.urlsafe_b64decode(link["key"] + "==").hex()
    for params, headers in [
        ({"key": link["key"]}, {}),
        ({"key": hex_key}, {}),
        ({"slug": "my-trip"}, {}),
        ({}, {"x-immich-share-key": link["key"]}),
        ({}, {"x-immich-share-slug": "my-trip"}),
    ]:
        mine = await client.get("/api/shared-links/me", params=params, headers=headers)
        assert mine.status_code == 200, (params, headers, mine.text)
        assert_shape(mine.json(), "SharedLinkResponseDto")
        assert mine.json()["id"] == link["id"]

    for params, message in [
        ({"key": "bm9wZQ"}, "Invalid share key"),
        ({"slug": "nope"}, "Invalid share slug"),
    ]:
        refused = await client.get("/api/shared-links/me", params=params)
        assert (refused.status_code, refused.json()) == (401, {"message": message})
    as_user = await client.get("/api/shared-links/me", headers=owner.headers)
    assert (as_user.status_code, as_user.json()) == (403, {"message": "Forbidden"})


async def test_expired_links_no_longer_open(client: httpx.AsyncClient, database: Database) -> None:
    owner = await sign_up_admin(client)
    asset_ids = await seed_assets(database, owner, 1)
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    link = await create_link(client, owner, type="INDIVIDUAL", assetIds=asset_ids, expiresAt=past)

    response = await client.get("/api/shared-links/me", params={"key": link["key"]})
    assert (response.status_code, response.json()) == (401, {"message": "Invalid share key"})
    asset = await client.get(f"/api/assets/{asset_ids[0]}", params={"key": link["key"]})
    assert asset.status_code == 401


async def test_password_links_need_a_login_whose_cookie_opens_them(
    client: httpx.AsyncClient, database: Database
) -> None:
    owner = await sign_up_admin(client)
    asset_ids = await seed_assets(database, owner, 1)
    link = await create_link(client, owner, type="INDIVIDUAL", assetIds=asset_ids, password="secret")
    other = await create_link(client, owner, type="INDIVIDUAL", assetIds=asset_ids, password="other")
    open_link = await create_link(client, owner, type="INDIVIDUAL", assetIds=asset_ids)
    key = {"key": link["key"]}

    for url in ("/api/shared-links/me", f"/api/assets/{asset_ids[0]}"):
        locked = await client.get(url, params=key)
        assert (locked.status_code, locked.json()) == (401, {"message": "Password required"}), url
    wrong = await client.post("/api/shared-links/login", params=key, json={"password": "guess"})
    assert (wrong.status_code, wrong.json()) == (401, {"message": "Invalid password"})
    not_needed = await client.post(
        "/api/shared-links/login", params={"key": open_link["key"]}, json={"password": "x"}
    )
    assert (not_needed.status_code, not_needed.json()) == (
        400,
        {"message": "Shared link is not password protected"},
    )

    logged_in = await client.post("/api/shared-links/login", params=key, json={"password": "secret"})
    assert logged_in.status_code == 201, logged_in.text
    assert_shape(logged_in.json(), "SharedLinkResponseDto")
    set_cookie = logged_in.headers["set-cookie"]
    assert set_cookie.startswith("immich_shared_link_token=")
    assert "HttpOnly" in set_cookie and "Max-Age=86400" in set_cookie and "Path=/" in set_cookie
    first_token = client.cookies["immich_shared_link_token"]

    assert (await client.get("/api/shared-links/me", params=key)).status_code == 200
    assert (await client.get(f"/api/assets/{asset_ids[0]}", params=key)).status_code == 200
    # The other password link still needs its own login; logging in keeps both tokens.
    assert (await client.get("/api/shared-links/me", params={"key": other["key"]})).status_code == 401
    await client.post("/api/shared-links/login", params={"key": other["key"]}, json={"password": "other"})
    tokens = unquote(client.cookies["immich_shared_link_token"]).split(",")
    assert unquote(first_token) in tokens and len(tokens) == 2
    assert (await client.get("/api/shared-links/me", params={"key": other["key"]})).status_code == 200

    # A new password invalidates the old login.
    await client.patch(f"/api/shared-links/{link['id']}", json={"password": "changed"}, headers=owner.headers)
    assert (await client.get("/api/shared-links/me", params=key)).status_code == 401


async def test_adding_and_removing_assets_of_an_individual_link(
    client: httpx.AsyncClient, database: Database
) -> None:
    owner = await sign_up_admin(client)
    stranger = await create_user(client, owner, "stranger@albumen.test")
    first, second = await seed_assets(database, owner, 2)
    (foreign,) = await seed_assets(database, stranger, 1)
    link = await create_link(client, owner, type="INDIVIDUAL", assetIds=[first])
    missing = str(uuid.uuid4())

    added = await client.put(
        f"/api/shared-links/{link['id']}/assets",
        json={"assetIds": [first, second, foreign]},
        headers=owner.headers,
    )
    assert added.status_code == 200, added.text
    assert_shape(added.json(), "AssetIdsResponseDto[]")
    assert added.json() == [
        {"assetId": first, "success": False, "error": "duplicate"},
        {"assetId": second, "success": True},
        {"assetId": foreign, "success": False, "error": "no_permission"},
    ]
    removed = await client.request(
        "DELETE",
        f"/api/shared-links/{link['id']}/assets",
        json={"assetIds": [first, missing]},
        headers=owner.headers,
    )
    assert removed.json() == [
        {"assetId": first, "success": True},
        {"assetId": missing, "success": False, "error": "not_found"},
    ]
    current = (await client.get(f"/api/shared-links/{link['id']}", headers=owner.headers)).json()
    assert [asset["id"] for asset in current["assets"]] == [second]

    album = await create_album(client, owner)
    album_link = await create_link(client, owner, type="ALBUM", albumId=album["id"])
    wrong_type = await client.put(
        f"/api/shared-links/{album_link['id']}/assets", json={"assetIds": [first]}, headers=owner.headers
    )
    assert (wrong_type.status_code, wrong_type.json()) == (400, {"message": "Invalid shared link type"})
    # Changing a link is its owner's business: a visitor holding the key may not.
    visitor = await client.put(
        f"/api/shared-links/{link['id']}/assets", params={"key": link["key"]}, json={"assetIds": [first]}
    )
    assert (visitor.status_code, visitor.json()) == (403, {"message": "Forbidden"})


async def test_links_hiding_metadata_show_sanitized_assets(
    client: httpx.AsyncClient, database: Database
) -> None:
    owner = await sign_up_admin(client)
    asset_ids = await seed_assets(database, owner, 1)
    link = await create_link(client, owner, type="INDIVIDUAL", assetIds=asset_ids, showMetadata=False)
    expected_keys = {
        "id",
        "type",
        "originalMimeType",
        "thumbhash",
        "localDateTime",
        "duration",
        "livePhotoVideoId",
        "hasMetadata",
        "width",
        "height",
    }

    asset = await client.get(f"/api/assets/{asset_ids[0]}", params={"key": link["key"]})
    assert asset.status_code == 200, asset.text
    assert set(asset.json()) == expected_keys
    assert asset.json()["hasMetadata"] is False
    mine = (await client.get("/api/shared-links/me", params={"key": link["key"]})).json()
    assert [set(item) for item in mine["assets"]] == [expected_keys]
    # Its owner still sees everything.
    owned = (await client.get(f"/api/shared-links/{link['id']}", headers=owner.headers)).json()
    assert_shape(owned, "SharedLinkResponseDto")


async def test_uploads_through_a_link_land_in_its_album_only_when_allowed(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    owner = await sign_up_admin(client)
    album = await create_album(client, owner)
    uploading = await create_link(client, owner, type="ALBUM", albumId=album["id"], allowUpload=True)
    closed = await create_link(client, owner, type="ALBUM", albumId=album["id"], allowUpload=False)

    refused = await client.post(
        "/api/assets",
        params={"key": closed["key"]},
        data={"fileCreatedAt": "2024-07-14T18:30:00.000Z", "fileModifiedAt": "2024-07-14T18:30:00.000Z"},
        files={"assetData": ("guest.jpg", b"\xff\xd8guest", "application/octet-stream")},
    )
    assert refused.status_code == 401, refused.text

    response = await client.post(
        "/api/assets",
        params={"key": uploading["key"]},
        data={"fileCreatedAt": "2024-07-14T18:30:00.000Z", "fileModifiedAt": "2024-07-14T18:30:00.000Z"},
        files={"assetData": ("guest.jpg", b"\xff\xd8guest", "application/octet-stream")},
    )
    assert response.status_code == 201, response.text
    asset_id = uuid.UUID(response.json()["id"])
    async with database.session() as db:
        in_album = (
            await db.execute(select(AlbumAsset.asset_id).where(AlbumAsset.album_id == uuid.UUID(album["id"])))
        ).scalars()
        assert list(in_album) == [asset_id]
    owned = await client.get(f"/api/assets/{asset_id}", headers=owner.headers)
    assert owned.json()["ownerId"] == owner.user_id
    await add_file(database, settings, str(asset_id), "thumbnail", b"RIFFthumb", ".webp")
    thumbnail = await client.get(f"/api/assets/{asset_id}/thumbnail", params={"key": uploading["key"]})
    assert thumbnail.status_code == 200
