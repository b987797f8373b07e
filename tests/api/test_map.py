"""The ``Map`` tag: markers of located assets the caller may see, and reverse geocoding."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert

from albumen.db.engine import Database
from albumen.db.tables import AssetExif
from tests.api.listing_support import add_to_album, album_with, insert_asset, share_library, update_asset
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin

PARIS = {
    "latitude": 48.8566,
    "longitude": 2.3522,
    "city": "Paris",
    "state": "Île-de-France",
    "country": "France",
}


async def markers(client: httpx.AsyncClient, user: LoggedIn, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/map/markers", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: list[dict[str, Any]] = response.json()
    assert_shape(body, "MapMarkerResponseDto[]")
    return body


async def marker_ids(client: httpx.AsyncClient, user: LoggedIn, **params: Any) -> set[str]:
    return {marker["id"] for marker in await markers(client, user, **params)}


async def test_markers_of_located_assets(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    located = await insert_asset(database, admin, exif=PARIS)
    await insert_asset(database, admin, exif={"city": "Nowhere"})
    await insert_asset(database, admin)
    archived = await insert_asset(database, admin, visibility="archive", exif=PARIS)
    await insert_asset(database, admin, visibility="hidden", exif=PARIS)
    await insert_asset(database, admin, visibility="locked", exif=PARIS)
    await insert_asset(database, admin, deleted_at=datetime.now(UTC), exif=PARIS)
    favorite = await insert_asset(
        database, admin, is_favorite=True, taken=datetime(2020, 1, 1, tzinfo=UTC), exif=PARIS
    )

    assert await markers(client, admin, isFavorite="true") == [
        {
            "id": favorite,
            "lat": 48.8566,
            "lon": 2.3522,
            "city": "Paris",
            "state": "Île-de-France",
            "country": "France",
        }
    ]
    assert await marker_ids(client, admin) == {located, favorite}
    assert await marker_ids(client, admin, isArchived="true") == {located, favorite, archived}
    assert await marker_ids(client, admin, fileCreatedBefore="2021-01-01T00:00:00.000Z") == {favorite}
    assert await marker_ids(client, admin, fileCreatedAfter="2021-01-01T00:00:00.000Z") == {located}


async def test_markers_of_partners_and_shared_albums(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    partner = await create_user(client, admin, "partner@albumen.test")
    friend = await create_user(client, admin, "friend@albumen.test")
    stranger = await create_user(client, admin, "stranger@albumen.test")
    await share_library(database, partner, admin, in_timeline=True)
    mine = await insert_asset(database, admin, exif=PARIS)
    partners = await insert_asset(database, partner, exif=PARIS)
    in_shared_album = await insert_asset(database, friend, exif=PARIS)
    strangers = await insert_asset(database, stranger, exif=PARIS)
    album_id = await album_with(client, friend, [], albumUsers=[{"userId": admin.user_id, "role": "viewer"}])
    await add_to_album(database, album_id, [in_shared_album])

    assert await marker_ids(client, admin) == {mine}
    assert await marker_ids(client, admin, withPartners="true") == {mine, partners}
    assert await marker_ids(client, admin, withSharedAlbums="true") == {mine, in_shared_album}
    everything = await marker_ids(client, stranger, withPartners="true", withSharedAlbums="true")
    assert everything == {strangers}


async def test_markers_follow_changes_to_assets_and_their_exif(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    asset_id = await insert_asset(database, admin, exif={})
    unlocated = await insert_asset(database, admin)
    assert await markers(client, admin) == []

    # Metadata extraction writes the position later (an upsert, as the pipeline does).
    async with database.session() as db:
        values = {"asset_id": uuid.UUID(asset_id), **PARIS, "city": 'Pa"ris\\'}
        upsert = insert(AssetExif).values(**values)
        await db.execute(upsert.on_conflict_do_update(index_elements=["asset_id"], set_=values))
        await db.commit()
    assert await markers(client, admin) == [{"id": asset_id, "lat": 48.8566, "lon": 2.3522,
                                             "city": 'Pa"ris\\', "state": "Île-de-France",
                                             "country": "France"}]  # fmt: skip

    moved = await client.put(
        f"/api/assets/{asset_id}", json={"latitude": -33.5, "longitude": 151}, headers=admin.headers
    )
    assert moved.status_code == 200, moved.text
    (marker,) = await markers(client, admin)
    assert (marker["lat"], marker["lon"]) == (-33.5, 151)

    favorite = await client.put(
        "/api/assets", json={"ids": [asset_id, unlocated], "isFavorite": True}, headers=admin.headers
    )
    assert favorite.status_code == 204, favorite.text
    assert await marker_ids(client, admin, isFavorite="true") == {asset_id}
    assert await marker_ids(client, admin, isFavorite="false") == set()

    await update_asset(database, asset_id, visibility="archive")
    assert await marker_ids(client, admin) == set()
    assert await marker_ids(client, admin, isArchived="true") == {asset_id}
    await update_asset(database, asset_id, visibility="timeline")

    trashed = await client.request("DELETE", "/api/assets", json={"ids": [asset_id]}, headers=admin.headers)
    assert trashed.status_code == 204, trashed.text
    assert await marker_ids(client, admin) == set()
    restored = await client.post("/api/trash/restore/assets", json={"ids": [asset_id]}, headers=admin.headers)
    assert restored.status_code == 200, restored.text
    assert await marker_ids(client, admin) == {asset_id}

    async with database.session() as db:
        await db.execute(
            update(AssetExif).where(AssetExif.asset_id == uuid.UUID(asset_id)).values(latitude=None)
        )
        await db.commit()
    assert await marker_ids(client, admin) == set()


async def test_no_markers_is_an_empty_list(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    assert await markers(client, admin) == []


async def test_reverse_geocode(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.get(
        "/api/map/reverse-geocode", params={"lat": 48.8566, "lon": 2.3522}, headers=admin.headers
    )
    assert response.status_code == 200
    assert_shape(response.json(), "MapReverseGeocodeResponseDto[]")
    assert response.json() == [{"city": "Paris", "state": "Île-de-France", "country": "France"}]

    at_sea = await client.get(
        "/api/map/reverse-geocode", params={"lat": 0, "lon": -30}, headers=admin.headers
    )
    assert at_sea.status_code == 200
    assert at_sea.json() == []
    missing = await client.get("/api/map/reverse-geocode", params={"lat": 1}, headers=admin.headers)
    assert missing.status_code == 400
