"""The ``Timeline`` tag: month buckets and one month's assets in Immich's columnar format."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from albumen.db.engine import Database
from tests.api.listing_support import (
    album_with,
    insert_asset,
    person_in,
    share_library,
    stack,
    tag,
    unlock_session,
    update_asset,
)
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin


async def buckets(client: httpx.AsyncClient, user: LoggedIn, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/timeline/buckets", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    assert_shape(body, "TimeBucketsResponseDto[]")
    return body


async def bucket(client: httpx.AsyncClient, user: LoggedIn, month: str, **params: Any) -> dict[str, Any]:
    response = await client.get(
        "/api/timeline/bucket", params={"timeBucket": month, **params}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert_shape(body, "TimeBucketAssetResponseDto")
    assert len({len(column) for column in body.values()}) == 1, "columns must line up"
    return body


async def test_buckets_are_months_of_local_time_newest_first(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    # 23:30 UTC on 31 July is already August at +02:00: the wall-clock month decides.
    await insert_asset(database, admin, taken=datetime(2024, 7, 31, 23, 30, tzinfo=UTC), offset_hours=2)
    await insert_asset(database, admin, taken=datetime(2024, 7, 2, tzinfo=UTC))
    await insert_asset(database, admin, taken=datetime(2023, 1, 5, tzinfo=UTC))
    await insert_asset(database, admin, taken=datetime(2023, 1, 20, tzinfo=UTC))

    assert await buckets(client, admin) == [
        {"timeBucket": "2024-08-01", "count": 1},
        {"timeBucket": "2024-07-01", "count": 1},
        {"timeBucket": "2023-01-01", "count": 2},
    ]
    ascending = await buckets(client, admin, order="asc")
    assert [item["timeBucket"] for item in ascending] == ["2023-01-01", "2024-07-01", "2024-08-01"]


async def test_bucket_is_columnar_and_ordered_by_date(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    early = await insert_asset(
        database,
        admin,
        taken=datetime(2024, 7, 1, 8, tzinfo=UTC),
        offset_hours=5.5,
        thumbhash=b"\x01\x02\x03",
        exif={"city": "Paris", "country": "France", "latitude": 48.85, "longitude": 2.35},
    )
    late = await insert_asset(
        database,
        admin,
        taken=datetime(2024, 7, 20, tzinfo=UTC),
        type="VIDEO",
        duration_ms=12_500,
        width=1080,
        height=1920,
        is_favorite=True,
    )
    await insert_asset(database, admin, taken=datetime(2024, 6, 30, tzinfo=UTC))

    body = await bucket(client, admin, "2024-07-01")
    assert body["id"] == [late, early]
    assert body["ownerId"] == [admin.user_id, admin.user_id]
    assert body["isImage"] == [False, True]
    assert body["isFavorite"] == [True, False]
    assert body["isTrashed"] == [False, False]
    assert body["visibility"] == ["timeline", "timeline"]
    assert body["duration"] == [12500, None]
    assert body["ratio"] == [0.563, 1.333]
    assert body["localOffsetHours"] == [0, 5.5]
    assert body["thumbhash"] == [None, base64.b64encode(b"\x01\x02\x03").decode()]
    assert body["fileCreatedAt"] == ["2024-07-20T00:00:00.000Z", "2024-07-01T08:00:00.000Z"]
    assert body["city"] == [None, "Paris"]
    assert body["country"] == [None, "France"]
    assert body["livePhotoVideoId"] == [None, None]
    assert "latitude" not in body and "stack" not in body

    oldest_first = await bucket(client, admin, "2024-07-01", order="asc", withCoordinates="true")
    assert oldest_first["id"] == [early, late]
    assert oldest_first["latitude"] == [48.85, None]
    assert oldest_first["longitude"] == [2.35, None]
    # Older clients send the bucket as a timestamp.
    assert (await bucket(client, admin, "2024-07-01T00:00:00.000Z"))["id"] == [late, early]
    empty = await bucket(client, admin, "2020-01-01")
    assert empty["id"] == [] and empty["ratio"] == []


async def test_bad_time_bucket_is_a_validation_error(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.get("/api/timeline/bucket", params={"timeBucket": "July"}, headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["message"] == "Validation failed"
    missing = await client.get("/api/timeline/bucket", headers=admin.headers)
    assert missing.status_code == 400


async def test_visibility_favorites_and_trash(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    shown = await insert_asset(database, admin)
    archived = await insert_asset(database, admin, visibility="archive")
    favorite = await insert_asset(database, admin, is_favorite=True)
    hidden = await insert_asset(database, admin, visibility="hidden")
    locked = await insert_asset(database, admin, visibility="locked")
    trashed = await insert_asset(database, admin, deleted_at=datetime.now(UTC))
    month = "2024-07-01"

    everything = set((await bucket(client, admin, month))["id"])
    assert everything == {shown, archived, favorite}, (
        "timeline and archive by default; never hidden or locked"
    )
    assert (await buckets(client, admin)) == [{"timeBucket": month, "count": 3}]
    assert set((await bucket(client, admin, month, visibility="timeline"))["id"]) == {shown, favorite}
    assert (await bucket(client, admin, month, visibility="archive"))["id"] == [archived]
    assert (await bucket(client, admin, month, visibility="hidden"))["id"] == [hidden]
    assert (await bucket(client, admin, month, isFavorite="true"))["id"] == [favorite]
    assert (await buckets(client, admin, isFavorite="true")) == [{"timeBucket": month, "count": 1}]
    trash = await bucket(client, admin, month, isTrashed="true")
    assert trash["id"] == [trashed] and trash["isTrashed"] == [True]
    assert (await buckets(client, admin, isTrashed="true")) == [{"timeBucket": month, "count": 1}]

    denied = await client.get("/api/timeline/buckets", params={"visibility": "locked"}, headers=admin.headers)
    assert denied.status_code == 401
    assert denied.json()["message"] == "Elevated permission is required"
    await unlock_session(client, admin)
    assert (await bucket(client, admin, month, visibility="locked"))["id"] == [locked]


async def test_counts_follow_changes(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    first = await insert_asset(database, admin)
    second = await insert_asset(database, admin)
    assert await buckets(client, admin, visibility="timeline") == [{"timeBucket": "2024-07-01", "count": 2}]

    await update_asset(database, first, local_date_time=datetime(2021, 3, 3, tzinfo=UTC))
    await update_asset(database, second, visibility="archive")
    assert await buckets(client, admin, visibility="timeline") == [{"timeBucket": "2021-03-01", "count": 1}]
    assert await buckets(client, admin) == [
        {"timeBucket": "2024-07-01", "count": 1},
        {"timeBucket": "2021-03-01", "count": 1},
    ]
    response = await client.request(
        "DELETE", "/api/assets", json={"ids": [first, second], "force": True}, headers=admin.headers
    )
    assert response.status_code == 204, response.text
    assert await buckets(client, admin) == []


async def test_never_another_users_assets(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    mine = await insert_asset(database, admin)
    await insert_asset(database, other)

    assert (await bucket(client, admin, "2024-07-01"))["id"] == [mine]
    assert await buckets(client, admin) == [{"timeBucket": "2024-07-01", "count": 1}]
    response = await client.get(
        "/api/timeline/buckets", params={"userId": other.user_id}, headers=admin.headers
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Not found or no timeline.read access"


async def test_partner_assets_with_partners(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    partner = await create_user(client, admin, "partner@albumen.test")
    hidden_partner = await create_user(client, admin, "quiet@albumen.test")
    await share_library(database, partner, admin, in_timeline=True)
    await share_library(database, hidden_partner, admin, in_timeline=False)
    mine = await insert_asset(database, admin)
    theirs = await insert_asset(database, partner, taken=TAKEN_LATER)
    await insert_asset(database, partner, visibility="archive")
    await insert_asset(database, hidden_partner)

    assert (await bucket(client, admin, "2024-07-01", visibility="timeline"))["id"] == [mine]
    together = await bucket(client, admin, "2024-07-01", visibility="timeline", withPartners="true")
    assert together["id"] == [theirs, mine]
    assert together["ownerId"] == [partner.user_id, admin.user_id]
    assert await buckets(client, admin, visibility="timeline", withPartners="true") == [
        {"timeBucket": "2024-07-01", "count": 2}
    ]
    for params in ({}, {"visibility": "archive"}, {"visibility": "timeline", "isFavorite": "false"}):
        refused = await client.get(
            "/api/timeline/buckets", params={"withPartners": "true", **params}, headers=admin.headers
        )
        assert refused.status_code == 400
        assert refused.json()["message"] == (
            "withPartners is only supported for non-archived, non-trashed, non-favorited, non-locked assets"
        )

    # A partner's own timeline, on its own.
    assert (await bucket(client, admin, "2024-07-01", userId=partner.user_id, visibility="timeline"))[
        "id"
    ] == [theirs]
    archive = await client.get(
        "/api/timeline/buckets",
        params={"userId": partner.user_id, "visibility": "archive"},
        headers=admin.headers,
    )
    assert archive.status_code == 400
    assert archive.json()["message"] == "Not found or no archive.read access"
    # Sharing goes one way: the partner doesn't see the admin's library.
    one_way = await client.get(
        "/api/timeline/buckets", params={"userId": admin.user_id}, headers=partner.headers
    )
    assert one_way.status_code == 400


TAKEN_LATER = datetime(2024, 7, 20, tzinfo=UTC)


async def test_stacks_show_their_primary_asset(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    primary = await insert_asset(database, admin, taken=TAKEN_LATER)
    second = await insert_asset(database, admin, taken=TAKEN_LATER - timedelta(hours=1))
    third = await insert_asset(database, admin, taken=TAKEN_LATER - timedelta(hours=2))
    single = await insert_asset(database, admin)
    stack_id = await stack(database, admin, [primary, second, third])

    stacked = await bucket(client, admin, "2024-07-01", withStacked="true")
    assert stacked["id"] == [primary, single]
    assert stacked["stack"] == [[stack_id, "3"], None]
    assert await buckets(client, admin, withStacked="true") == [{"timeBucket": "2024-07-01", "count": 2}]
    assert await buckets(client, admin) == [{"timeBucket": "2024-07-01", "count": 4}]
    assert len((await bucket(client, admin, "2024-07-01"))["id"]) == 4


async def test_album_person_and_tag_timelines(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    in_album = await insert_asset(database, admin, taken=TAKEN_LATER)
    with_person = await insert_asset(database, admin)
    tagged = await insert_asset(database, admin, taken=datetime(2024, 5, 5, tzinfo=UTC))
    album_id = await album_with(client, admin, [in_album])
    person_id = await person_in(database, admin, "Ada", [with_person])
    tag_id = await tag(database, admin, "Holidays", [tagged])

    assert (await bucket(client, admin, "2024-07-01", albumId=album_id))["id"] == [in_album]
    assert await buckets(client, admin, albumId=album_id) == [{"timeBucket": "2024-07-01", "count": 1}]
    assert (await bucket(client, admin, "2024-07-01", personId=person_id))["id"] == [with_person]
    assert await buckets(client, admin, tagId=tag_id) == [{"timeBucket": "2024-05-01", "count": 1}]

    not_member = await client.get(
        "/api/timeline/buckets", params={"albumId": album_id}, headers=other.headers
    )
    assert not_member.status_code == 400
    assert not_member.json()["message"] == "Not found or no album.read access"
    not_theirs = await client.get("/api/timeline/buckets", params={"tagId": tag_id}, headers=other.headers)
    assert not_theirs.status_code == 400
    assert not_theirs.json()["message"] == "Not found or no tag.read access"


async def test_bbox_and_added_date(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    paris = await insert_asset(database, admin, exif={"latitude": 48.85, "longitude": 2.35})
    await insert_asset(database, admin, exif={"latitude": 40.7, "longitude": -74.0})
    await insert_asset(database, admin, exif={})
    inside = await bucket(client, admin, "2024-07-01", bbox="2.0,48.0,3.0,49.0")
    assert inside["id"] == [paris]

    added = await insert_asset(database, admin, taken=datetime(2010, 1, 1, tzinfo=UTC))
    by_upload = await buckets(client, admin, orderBy="createdAt")
    month = datetime.now(UTC).strftime("%Y-%m-01")
    assert by_upload == [{"timeBucket": month, "count": 4}]
    assert added in (await bucket(client, admin, month, orderBy="createdAt"))["id"]


async def test_asset_statistics_read_the_month_counts(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    await insert_asset(database, admin)
    await insert_asset(database, admin, type="VIDEO", visibility="archive", is_favorite=True)
    await insert_asset(database, admin, visibility="hidden")
    await insert_asset(database, admin, visibility="locked")
    await insert_asset(database, admin, deleted_at=datetime.now(UTC))
    await insert_asset(database, other)

    async def statistics(**params: str) -> dict[str, int]:
        response = await client.get("/api/assets/statistics", params=params, headers=admin.headers)
        assert response.status_code == 200, response.text
        body: dict[str, int] = response.json()
        return body

    assert await statistics() == {"images": 1, "videos": 1, "total": 2}
    assert await statistics(isFavorite="true") == {"images": 0, "videos": 1, "total": 1}
    assert await statistics(visibility="timeline") == {"images": 1, "videos": 0, "total": 1}
    assert await statistics(isTrashed="true") == {"images": 1, "videos": 0, "total": 1}
