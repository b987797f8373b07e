"""The ``Albums`` tag: shapes, counts and dates, the CLI's flow, assets in and out, statistics, map."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, insert, select

from albumen.db.engine import Database
from albumen.db.tables import AlbumAsset, Asset, AssetExif, Base
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin

FIRST_DAY = datetime(2023, 5, 1, 22, 30, tzinfo=UTC)


async def seed_assets(
    database: Database, owner: LoggedIn, count: int, *, start: datetime = FIRST_DAY, **values: Any
) -> list[str]:
    """Asset rows (no files), one a day from ``start``; returns their ids in that order."""
    rows = [
        {
            "owner_id": uuid.UUID(owner.user_id),
            "type": "IMAGE",
            "original_path": f"upload/{owner.user_id}/{uuid.uuid4()}.jpg",
            "original_file_name": f"IMG_{index:05}.jpg",
            "checksum": uuid.uuid4().bytes + b"0000",
            "file_created_at": start + timedelta(days=index),
            "file_modified_at": start + timedelta(days=index),
            "local_date_time": start + timedelta(days=index),
            **values,
        }
        for index in range(count)
    ]
    async with database.session() as db:
        ids = (
            await db.execute(insert(Asset).returning(Asset.id, sort_by_parameter_order=True), rows)
        ).scalars()
        result = [str(asset_id) for asset_id in ids]
        await db.commit()
    return result


async def create_album(client: httpx.AsyncClient, user: LoggedIn, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/albums", json={"albumName": "Album", **body}, headers=user.headers)
    assert response.status_code == 201, response.text
    album: dict[str, Any] = response.json()
    return album


async def test_create_album_returns_immich_3_shape(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    asset_ids = await seed_assets(database, admin, 3)

    album = await create_album(client, admin, albumName="Holidays", description="Sun", assetIds=asset_ids)

    assert_shape(album, "AlbumResponseDto")
    assert not {"assets", "owner", "ownerId"} & set(album)
    assert album["albumName"] == "Holidays"
    assert album["description"] == "Sun"
    assert album["assetCount"] == 3
    assert album["shared"] is False and album["hasSharedLink"] is False
    assert album["isActivityEnabled"] is True and album["order"] == "desc"
    assert album["albumThumbnailAssetId"] == asset_ids[0]
    assert album["startDate"] == "2023-05-01T00:00:00.000Z"
    assert album["endDate"] == "2023-05-03T00:00:00.000Z"
    assert [(member["user"]["id"], member["role"]) for member in album["albumUsers"]] == [
        (admin.user_id, "owner")
    ]

    fetched = await client.get(f"/api/albums/{album['id']}", headers=admin.headers)
    assert fetched.status_code == 200
    assert_shape(fetched.json(), "AlbumResponseDto")
    assert fetched.json()["assetCount"] == 3


async def test_empty_album_has_no_dates_or_thumbnail(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    album = await create_album(client, admin, description=None)

    assert album["assetCount"] == 0
    assert album["description"] == ""
    assert album["albumThumbnailAssetId"] is None
    assert not {"startDate", "endDate", "lastModifiedAssetTimestamp"} & set(album)


async def test_list_counts_live_assets_and_filters(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    friend = await create_user(client, admin, "friend@albumen.test")
    asset_ids = await seed_assets(database, admin, 4)
    trashed = await seed_assets(
        database, admin, 1, start=datetime(2030, 1, 1, tzinfo=UTC), deleted_at=FIRST_DAY
    )
    hidden = await seed_assets(
        database, admin, 1, start=datetime(2031, 1, 1, tzinfo=UTC), visibility="hidden"
    )
    trips = await create_album(client, admin, albumName="Trips", assetIds=asset_ids[:3] + trashed + hidden)
    solo = await create_album(client, admin, albumName="Solo", assetIds=asset_ids[3:])
    shared = await create_album(
        client, admin, albumName="Shared", albumUsers=[{"userId": friend.user_id, "role": "viewer"}]
    )

    response = await client.get("/api/albums", headers=admin.headers)
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "AlbumResponseDto[]")
    assert [album["albumName"] for album in body] == ["Shared", "Solo", "Trips"]
    listed = {album["id"]: album for album in body}
    assert listed[trips["id"]]["assetCount"] == 3
    assert listed[trips["id"]]["endDate"] == "2023-05-03T00:00:00.000Z"
    assert listed[solo["id"]]["startDate"] == listed[solo["id"]]["endDate"] == "2023-05-04T00:00:00.000Z"
    assert listed[shared["id"]]["shared"] is True

    async def names(query: str, user: LoggedIn = admin) -> list[str]:
        found = await client.get(f"/api/albums?{query}", headers=user.headers)
        assert found.status_code == 200, found.text
        return [album["albumName"] for album in found.json()]

    assert await names("isShared=true") == ["Shared"]
    assert await names("isShared=false") == ["Solo", "Trips"]
    assert await names("isOwned=false") == []
    assert await names("name=Solo") == ["Solo"]
    assert await names(f"id={trips['id']}") == ["Trips"]
    assert await names(f"assetId={asset_ids[3]}&name=Trips") == ["Solo"]
    assert await names("", friend) == ["Shared"]
    assert await names("isOwned=false", friend) == ["Shared"]
    assert await names("isOwned=true", friend) == []


async def test_cli_flow_adds_2000_assets_in_one_call(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    asset_ids = await seed_assets(database, admin, 2000)

    listing = await client.get("/api/albums", headers=admin.headers)
    assert listing.json() == []
    album = await create_album(client, admin, albumName="folder")
    started = time.perf_counter()
    added = await client.put(
        f"/api/albums/{album['id']}/assets", json={"ids": asset_ids}, headers=admin.headers
    )
    elapsed = time.perf_counter() - started

    assert added.status_code == 200
    assert_shape(added.json(), "BulkIdResponseDto[]")
    assert added.json() == [{"id": asset_id, "success": True} for asset_id in asset_ids]
    assert elapsed < 3, f"adding 2000 assets took {elapsed:.2f}s"

    again = await client.put(
        f"/api/albums/{album['id']}/assets", json={"ids": asset_ids}, headers=admin.headers
    )
    assert {(item["success"], item["error"]) for item in again.json()} == {(False, "duplicate")}
    listed = (await client.get("/api/albums", headers=admin.headers)).json()
    assert [(item["albumName"], item["assetCount"]) for item in listed] == [("folder", 2000)]
    assert listed[0]["albumThumbnailAssetId"] == asset_ids[-1]  # the most recent asset


async def test_add_assets_reports_each_id(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    (mine,) = await seed_assets(database, admin, 1)
    (theirs,) = await seed_assets(database, other, 1)
    unknown = str(uuid.uuid4())
    album = await create_album(client, admin)

    response = await client.put(
        f"/api/albums/{album['id']}/assets",
        json={"ids": [mine, theirs, unknown, mine]},
        headers=admin.headers,
    )

    assert response.json() == [
        {"id": mine, "success": True},
        {"id": theirs, "success": False, "error": "no_permission"},
        {"id": unknown, "success": False, "error": "no_permission"},
        {"id": mine, "success": False, "error": "duplicate"},
    ]
    missing = await client.put(
        f"/api/albums/{uuid.uuid4()}/assets", json={"ids": [mine]}, headers=admin.headers
    )
    assert (missing.status_code, missing.json()["message"]) == (400, "Album not found")


async def test_create_leaves_out_assets_the_caller_cannot_share(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    (mine,) = await seed_assets(database, admin, 1)
    (theirs,) = await seed_assets(database, other, 1)

    album = await create_album(client, admin, assetIds=[theirs, mine])

    assert (album["assetCount"], album["albumThumbnailAssetId"]) == (1, mine)


async def test_update_album(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    inside, outside = await seed_assets(database, admin, 2)
    album = await create_album(client, admin, albumName="Before", assetIds=[inside])

    response = await client.patch(
        f"/api/albums/{album['id']}",
        json={"albumName": "After", "description": "New", "isActivityEnabled": False, "order": "asc"},
        headers=admin.headers,
    )

    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "AlbumResponseDto")
    assert (body["albumName"], body["description"], body["isActivityEnabled"], body["order"]) == (
        "After",
        "New",
        False,
        "asc",
    )
    assert body["assetCount"] == 1
    assert body["updatedAt"] > album["updatedAt"]

    bad = await client.patch(
        f"/api/albums/{album['id']}", json={"albumThumbnailAssetId": outside}, headers=admin.headers
    )
    assert (bad.status_code, bad.json()) == (400, {"message": "Invalid album thumbnail"})
    good = await client.patch(
        f"/api/albums/{album['id']}", json={"albumThumbnailAssetId": inside}, headers=admin.headers
    )
    assert good.json()["albumThumbnailAssetId"] == inside


async def test_remove_assets_deletes_rows_and_audits(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    first, second = await seed_assets(database, admin, 2)
    album = await create_album(client, admin, assetIds=[first, second])
    assert album["albumThumbnailAssetId"] == first

    response = await client.request(
        "DELETE", f"/api/albums/{album['id']}/assets", json={"ids": [first, first]}, headers=admin.headers
    )

    assert response.status_code == 200
    assert_shape(response.json(), "BulkIdResponseDto[]")
    assert response.json() == [
        {"id": first, "success": True},
        {"id": first, "success": False, "error": "not_found"},
    ]
    after = (await client.get(f"/api/albums/{album['id']}", headers=admin.headers)).json()
    assert (after["assetCount"], after["albumThumbnailAssetId"]) == (1, second)
    audit = Base.metadata.tables["album_asset_audit"]
    async with database.session() as db:
        left = (await db.execute(select(func.count()).select_from(AlbumAsset))).scalar_one()
        audited = (await db.execute(select(audit.c.asset_id))).scalars().all()
    assert (left, [str(asset_id) for asset_id in audited]) == (1, [first])


async def test_delete_album_keeps_its_assets(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    asset_ids = await seed_assets(database, admin, 2)
    album = await create_album(client, admin, assetIds=asset_ids)

    response = await client.delete(f"/api/albums/{album['id']}", headers=admin.headers)

    assert response.status_code == 204
    assert (await client.get(f"/api/albums/{album['id']}", headers=admin.headers)).status_code == 400
    for asset_id in asset_ids:
        assert (await client.get(f"/api/assets/{asset_id}", headers=admin.headers)).status_code == 200


async def test_add_assets_to_many_albums(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    asset_ids = await seed_assets(database, admin, 2)
    (theirs,) = await seed_assets(database, other, 1)
    first = await create_album(client, admin, albumName="First", assetIds=asset_ids[:1])
    second = await create_album(client, admin, albumName="Second")
    foreign = await create_album(client, other, albumName="Foreign")
    body = {"albumIds": [first["id"], second["id"], foreign["id"]], "assetIds": asset_ids}

    response = await client.put("/api/albums/assets", json=body, headers=admin.headers)

    assert response.status_code == 200
    assert_shape(response.json(), "AlbumsAddAssetsResponseDto")
    assert response.json() == {"success": True}
    counts = {
        album["albumName"]: album["assetCount"]
        for album in (await client.get("/api/albums", headers=admin.headers)).json()
    }
    assert counts == {"First": 2, "Second": 2}
    again = await client.put("/api/albums/assets", json=body, headers=admin.headers)
    assert again.json() == {"success": False, "error": "duplicate"}
    denied = await client.put(
        "/api/albums/assets", json={"albumIds": [foreign["id"]], "assetIds": asset_ids}, headers=admin.headers
    )
    assert denied.json() == {"success": False, "error": "no_permission"}
    not_mine = await client.put(
        "/api/albums/assets", json={"albumIds": [first["id"]], "assetIds": [theirs]}, headers=admin.headers
    )
    assert not_mine.json() == {"success": False, "error": "no_permission"}


async def test_statistics(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    friend = await create_user(client, admin, "friend@albumen.test")
    await create_album(client, admin, albumName="Mine")
    await create_album(
        client, admin, albumName="Ours", albumUsers=[{"userId": friend.user_id, "role": "editor"}]
    )
    await create_album(client, friend, albumName="Theirs")

    response = await client.get("/api/albums/statistics", headers=admin.headers)
    assert response.status_code == 200
    assert_shape(response.json(), "AlbumStatisticsResponseDto")
    assert response.json() == {"owned": 2, "shared": 1, "notShared": 1}
    friends = await client.get("/api/albums/statistics", headers=friend.headers)
    assert friends.json() == {"owned": 1, "shared": 1, "notShared": 1}


async def test_map_markers_list_geotagged_assets(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    placed, unplaced, elsewhere = await seed_assets(database, admin, 3)
    async with database.session() as db:
        await db.execute(
            insert(AssetExif),
            [
                {
                    "asset_id": uuid.UUID(placed),
                    "latitude": 38.97,
                    "longitude": -110.15,
                    "city": "Thompson Springs",
                    "state": "Utah",
                    "country": "United States",
                },
                {"asset_id": uuid.UUID(unplaced)},
                {"asset_id": uuid.UUID(elsewhere), "latitude": 48.85, "longitude": 2.35},
            ],
        )
        await db.commit()
    album = await create_album(client, admin, assetIds=[placed, unplaced])

    response = await client.get(f"/api/albums/{album['id']}/map-markers", headers=admin.headers)

    assert response.status_code == 200
    assert_shape(response.json(), "MapMarkerResponseDto[]")
    assert response.json() == [
        {
            "id": placed,
            "lat": 38.97,
            "lon": -110.15,
            "city": "Thompson Springs",
            "state": "Utah",
            "country": "United States",
        }
    ]
