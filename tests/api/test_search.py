"""The ``Search`` tag: metadata search and its filters, random, statistics, suggestions, explore, places."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from albumen.db.engine import Database
from tests.api.listing_support import (
    album_with,
    insert_asset,
    ocr_text,
    person_in,
    share_library,
    tag,
    unlock_session,
)
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin

DAY = datetime(2024, 7, 1, tzinfo=UTC)


async def search(client: httpx.AsyncClient, user: LoggedIn, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/search/metadata", json=body, headers=user.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert_shape(result, "SearchResponseDto")
    return result


async def found(client: httpx.AsyncClient, user: LoggedIn, **body: Any) -> list[str]:
    return [item["id"] for item in (await search(client, user, **body))["assets"]["items"]]


async def test_metadata_search_pages_newest_first(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    ids = [await insert_asset(database, admin, taken=DAY + timedelta(days=day)) for day in range(5)]
    newest_first = list(reversed(ids))

    first = await search(client, admin, size=2)
    assert [item["id"] for item in first["assets"]["items"]] == newest_first[:2]
    assert first["assets"]["nextPage"] == "2"
    assert first["assets"]["total"] == 2 and first["assets"]["count"] == 2
    assert first["albums"] == {"total": 0, "count": 0, "items": [], "facets": []}
    last = await search(client, admin, size=2, page=3)
    assert [item["id"] for item in last["assets"]["items"]] == newest_first[4:]
    assert last["assets"]["nextPage"] is None and last["assets"]["nextCursor"] is None
    assert await found(client, admin, order="asc") == ids

    # 3.2.2: keyset cursors, in any order.
    pages: list[str] = []
    cursor = None
    while True:
        body: dict[str, Any] = {"size": 2, "orderBy": {"field": "fileCreatedAt", "direction": "asc"}}
        if cursor:
            body["cursor"] = cursor
        page = (await search(client, admin, **body))["assets"]
        pages += [item["id"] for item in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert pages == ids

    invalid = await client.post("/api/search/metadata", json={"size": 1001}, headers=admin.headers)
    assert invalid.status_code == 400


async def test_items_are_asset_responses(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    await insert_asset(database, admin, exif={"make": "Canon", "city": "Paris"})
    bare = (await search(client, admin))["assets"]["items"][0]
    assert_shape(bare, "AssetResponseDto")
    assert "exifInfo" not in bare
    with_exif = (await search(client, admin, withExif=True))["assets"]["items"][0]
    assert with_exif["exifInfo"]["make"] == "Canon"
    assert_shape(with_exif["exifInfo"], "ExifResponseDto")


async def test_metadata_filters(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    beach = await insert_asset(
        database,
        admin,
        name="Plage_été.JPG",
        is_favorite=True,
        exif={
            "city": "Nice",
            "country": "France",
            "make": "Canon",
            "model": "EOS R6",
            "rating": 5,
            "description": "Sunset on the beach",
            "file_size_in_byte": 9000,
        },
    )
    video = await insert_asset(
        database, admin, type="VIDEO", taken=DAY + timedelta(days=40), exif={"file_size_in_byte": 500}
    )
    nowhere = await insert_asset(database, admin, taken=DAY - timedelta(days=400), exif={"make": "Apple"})
    archived = await insert_asset(database, admin, visibility="archive", exif={})
    trashed = await insert_asset(database, admin, deleted_at=datetime.now(UTC), exif={})

    assert await found(client, admin, originalFileName="plage_ete") == [beach]
    assert await found(client, admin, originalFileName="%") == []
    assert await found(client, admin, city="Nice") == [beach]
    assert set(await found(client, admin, city=None)) == {video, nowhere, archived}
    assert await found(client, admin, make="Canon", model="EOS R6") == [beach]
    assert await found(client, admin, description="sunset") == [beach]
    assert await found(client, admin, rating=5) == [beach]
    assert await found(client, admin, type="VIDEO") == [video]
    assert await found(client, admin, isFavorite=True) == [beach]
    assert await found(client, admin, takenBefore=(DAY - timedelta(days=1)).isoformat()) == [nowhere]
    assert await found(client, admin, takenAfter=(DAY + timedelta(days=20)).isoformat()) == [video]
    assert await found(client, admin, visibility="archive") == [archived]
    assert trashed not in await found(client, admin)
    assert trashed in await found(client, admin, withDeleted=True)
    assert await found(client, admin, id=beach) == [beach]

    checksum = hashlib.sha1(uuid.UUID(video).bytes).digest()
    assert await found(client, admin, checksum=base64.b64encode(checksum).decode()) == [video]
    assert await found(client, admin, checksum=checksum.hex()) == [video]


async def test_relation_filters(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    first = await insert_asset(database, admin)
    second = await insert_asset(database, admin, taken=DAY)
    loose = await insert_asset(database, admin, taken=DAY - timedelta(days=1))
    album_a = await album_with(client, admin, [first, second], albumName="A")
    album_b = await album_with(client, admin, [first], albumName="B")
    person = await person_in(database, admin, "Ada", [second])
    tag_id = await tag(database, admin, "Cats", [first])
    await ocr_text(database, loose, "STOP Straße")

    assert set(await found(client, admin, albumIds=[album_a])) == {first, second}
    assert await found(client, admin, albumIds=[album_a, album_b]) == [first]
    assert await found(client, admin, isNotInAlbum=True) == [loose]
    assert await found(client, admin, personIds=[person]) == [second]
    assert await found(client, admin, tagIds=[tag_id]) == [first]
    assert set(await found(client, admin, tagIds=None)) == {second, loose}
    assert await found(client, admin, ocr="stop") == [loose]


async def test_search_filter_tree(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    paris = await insert_asset(database, admin, exif={"city": "Paris", "rating": 3})
    rome = await insert_asset(database, admin, taken=DAY, exif={"city": "Rome", "rating": 1})
    favorite = await insert_asset(database, admin, taken=DAY - timedelta(days=3), is_favorite=True, exif={})

    either = {"or": [{"city": {"eq": "Paris"}}, {"isFavorite": {"eq": True}}]}
    assert set(await found(client, admin, filter=either)) == {paris, favorite}
    assert await found(client, admin, filter={"rating": {"gte": 2}}) == [paris]
    assert await found(client, admin, filter={"city": {"in": ["Rome", "Oslo"]}}) == [rome]
    assert await found(client, admin, filter={"city": {"eq": None}}) == [favorite]
    assert await found(client, admin, filter={"originalFileName": {"startsWith": "img"}}) != []
    ordered = await found(client, admin, orderBy={"field": "rating", "direction": "desc"})
    assert ordered == [paris, rome, favorite], "unrated last"


async def test_search_scope(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    partner = await create_user(client, admin, "partner@albumen.test")
    stranger = await create_user(client, admin, "stranger@albumen.test")
    mine = await insert_asset(database, admin)
    locked = await insert_asset(database, admin, visibility="locked")
    shared = await insert_asset(database, partner, taken=DAY, is_favorite=True)
    await insert_asset(database, stranger, name="secret.jpg")

    assert await found(client, admin) == [mine]
    await share_library(database, partner, admin, in_timeline=True)
    both = (await search(client, admin))["assets"]["items"]
    assert [item["id"] for item in both] == [mine, shared]
    assert both[1]["isFavorite"] is False, "a favourite is the owner's mark"
    assert await found(client, admin, originalFileName="secret") == []
    assert await found(client, partner) == [shared], "sharing goes one way"

    denied = await client.post("/api/search/metadata", json={"visibility": "locked"}, headers=admin.headers)
    assert denied.status_code == 401
    await unlock_session(client, admin)
    assert await found(client, admin, visibility="locked") == [locked]


async def test_random_statistics_and_large_assets(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    small = await insert_asset(database, admin, exif={"file_size_in_byte": 10})
    large = await insert_asset(database, admin, exif={"file_size_in_byte": 10_000})
    await insert_asset(database, admin, type="VIDEO", exif={"file_size_in_byte": 5_000})

    response = await client.post("/api/search/random", json={"size": 2}, headers=admin.headers)
    assert response.status_code == 200
    assert len(response.json()) == 2
    assert_shape(response.json(), "AssetResponseDto[]")

    statistics = await client.post("/api/search/statistics", json={"type": "IMAGE"}, headers=admin.headers)
    assert statistics.status_code == 200
    assert statistics.json() == {"total": 2}

    largest = await client.post(
        "/api/search/large-assets", params={"minFileSize": 100}, headers=admin.headers
    )
    assert largest.status_code == 200
    assert [item["id"] for item in largest.json()][:1] == [large]
    assert small not in [item["id"] for item in largest.json()]


async def test_suggestions(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    await insert_asset(database, admin, exif={"country": "France", "state": "Île-de-France", "make": "Canon"})
    await insert_asset(
        database, admin, exif={"country": "Italy", "state": "Lazio", "make": "SONY", "model": "A7"}
    )
    await insert_asset(database, admin, exif={"country": "", "make": "Apple"})
    await insert_asset(database, other, exif={"country": "Japan"})

    async def suggest(**params: str) -> list[str | None]:
        response = await client.get("/api/search/suggestions", params=params, headers=admin.headers)
        assert response.status_code == 200, response.text
        result: list[str | None] = response.json()
        return result

    assert await suggest(type="country") == ["France", "Italy"]
    assert await suggest(type="state", country="Italy") == ["Lazio"]
    assert await suggest(type="camera-make") == ["Apple", "Canon", "SONY"]
    assert await suggest(type="camera-make", model="A7") == ["SONY"]
    assert await suggest(type="country", includeNull="true") == ["France", "Italy", None]
    bad = await client.get("/api/search/suggestions", params={"type": "planet"}, headers=admin.headers)
    assert bad.status_code == 400


async def test_explore_and_cities(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    for day in range(5):
        await insert_asset(database, admin, taken=DAY + timedelta(days=day), exif={"city": "Paris"})
    lyon = await insert_asset(database, admin, exif={"city": "Lyon"})

    response = await client.get("/api/search/explore", headers=admin.headers)
    assert response.status_code == 200
    explore = response.json()
    assert_shape(explore, "SearchExploreResponseDto[]")
    assert [item["value"] for item in explore[0]["items"]] == ["Paris"]
    assert explore[0]["fieldName"] == "exifInfo.city"

    cities = await client.get("/api/search/cities", headers=admin.headers)
    assert cities.status_code == 200
    assert_shape(cities.json(), "AssetResponseDto[]")
    assert [item["exifInfo"]["city"] for item in cities.json()] == ["Lyon", "Paris"]
    assert cities.json()[0]["id"] == lyon


async def test_people_and_places(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    asset = await insert_asset(database, admin)
    await person_in(database, admin, "Ada Lovelace", [asset])
    await person_in(database, admin, "Charles Babbage", [asset])
    await person_in(database, admin, "Lovelace Ghost", [asset], hidden=True)

    response = await client.get("/api/search/person", params={"name": "love"}, headers=admin.headers)
    assert response.status_code == 200
    assert_shape(response.json(), "PersonResponseDto[]")
    assert [person["name"] for person in response.json()] == ["Ada Lovelace"]
    with_hidden = await client.get(
        "/api/search/person", params={"name": "love", "withHidden": "true"}, headers=admin.headers
    )
    assert [person["name"] for person in with_hidden.json()] == ["Ada Lovelace", "Lovelace Ghost"]

    places = await client.get("/api/search/places", params={"name": "Lyon"}, headers=admin.headers)
    assert places.status_code == 200
    assert_shape(places.json(), "PlacesResponseDto[]")
    first = places.json()[0]
    assert first["name"] == "Lyon" and first["admin1name"] == "Auvergne-Rhône-Alpes"
    assert abs(first["latitude"] - 45.75) < 0.1 and abs(first["longitude"] - 4.85) < 0.1
