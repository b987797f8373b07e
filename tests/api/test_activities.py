"""Likes and comments on shared albums: who may write, read and delete them."""

from __future__ import annotations

from typing import Any

import httpx

from albumen.db.engine import Database
from tests.api.test_album_access import shared_album as shared_album_of
from tests.api.test_album_access import three_users
from tests.api.test_albums import seed_assets
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user


async def shared_album(
    client: httpx.AsyncClient, owner: LoggedIn, editor: LoggedIn, viewer: LoggedIn, **body: Any
) -> dict[str, Any]:
    return dict(await shared_album_of(client, owner, editor, viewer, **body))


async def post_activity(client: httpx.AsyncClient, user: LoggedIn, **body: Any) -> httpx.Response:
    return await client.post("/api/activities", json=body, headers=user.headers)


async def test_members_like_and_comment_and_liking_twice_returns_the_first_like(
    client: httpx.AsyncClient, database: Database
) -> None:
    owner, editor, viewer = await three_users(client)
    (asset_id,) = await seed_assets(database, owner, 1)
    album = await shared_album(client, owner, editor, viewer, assetIds=[asset_id])

    like = await post_activity(client, viewer, albumId=album["id"], type="like")
    assert like.status_code == 201, like.text
    assert_shape(like.json(), "ActivityResponseDto")
    assert (like.json()["type"], like.json()["assetId"], like.json()["user"]["id"]) == (
        "like",
        None,
        viewer.user_id,
    )
    assert "comment" not in like.json()
    again = await post_activity(client, viewer, albumId=album["id"], type="like")
    assert (again.status_code, again.json()["id"]) == (200, like.json()["id"])
    asset_like = await post_activity(client, viewer, albumId=album["id"], assetId=asset_id, type="like")
    assert asset_like.status_code == 201

    comment = await post_activity(
        client, editor, albumId=album["id"], assetId=asset_id, type="comment", comment="Nice"
    )
    assert comment.status_code == 201, comment.text
    assert_shape(comment.json(), "ActivityResponseDto")
    assert (comment.json()["type"], comment.json()["comment"]) == ("comment", "Nice")


async def test_listing_filters_and_statistics(client: httpx.AsyncClient, database: Database) -> None:
    owner, editor, viewer = await three_users(client)
    (asset_id,) = await seed_assets(database, owner, 1)
    album = await shared_album(client, owner, editor, viewer, assetIds=[asset_id])
    album_like = (await post_activity(client, viewer, albumId=album["id"], type="like")).json()
    asset_like = (
        await post_activity(client, owner, albumId=album["id"], assetId=asset_id, type="like")
    ).json()
    comment = (
        await post_activity(
            client, editor, albumId=album["id"], assetId=asset_id, type="comment", comment="Hi"
        )
    ).json()

    async def listed(**params: str) -> list[str]:
        response = await client.get(
            "/api/activities", params={"albumId": album["id"], **params}, headers=owner.headers
        )
        assert response.status_code == 200, response.text
        assert_shape(response.json(), "ActivityResponseDto[]")
        return [item["id"] for item in response.json()]

    assert await listed() == [album_like["id"], asset_like["id"], comment["id"]]
    assert await listed(level="album") == [album_like["id"]]
    assert await listed(assetId=asset_id) == [asset_like["id"], comment["id"]]
    assert await listed(type="comment") == [comment["id"]]
    assert await listed(type="like", userId=viewer.user_id) == [album_like["id"]]

    statistics = await client.get(
        "/api/activities/statistics", params={"albumId": album["id"]}, headers=viewer.headers
    )
    assert statistics.status_code == 200
    assert_shape(statistics.json(), "ActivityStatisticsResponseDto")
    assert statistics.json() == {"comments": 1, "likes": 2}
    per_asset = await client.get(
        "/api/activities/statistics",
        params={"albumId": album["id"], "assetId": asset_id},
        headers=viewer.headers,
    )
    assert per_asset.json() == {"comments": 1, "likes": 1}


async def test_comments_need_text_and_likes_take_none(client: httpx.AsyncClient) -> None:
    owner, editor, viewer = await three_users(client)
    album = await shared_album(client, owner, editor, viewer)

    for body, message in [
        ({"type": "comment"}, "Comment is required when type is COMMENT"),
        ({"type": "comment", "comment": "  "}, "Comment is required when type is COMMENT"),
        ({"type": "like", "comment": "x"}, "Comment must not be provided when type is not COMMENT"),
    ]:
        response = await post_activity(client, owner, albumId=album["id"], **body)
        assert response.status_code == 400, response.text
        assert response.json()["message"] == "Validation failed"
        assert [(issue["path"], issue["message"]) for issue in response.json()["errors"]] == [
            (["comment"], message)
        ]


async def test_outsiders_and_disabled_albums_are_refused(client: httpx.AsyncClient) -> None:
    owner, editor, viewer = await three_users(client)
    stranger = await create_user(client, owner, "stranger@albumen.test")
    album = await shared_album(client, owner, editor, viewer)

    refused = await post_activity(client, stranger, albumId=album["id"], type="like")
    assert (refused.status_code, refused.json()) == (
        400,
        {"message": "Not found or no activity.create access"},
    )
    for url in ("/api/activities", "/api/activities/statistics"):
        response = await client.get(url, params={"albumId": album["id"]}, headers=stranger.headers)
        assert (response.status_code, response.json()) == (
            400,
            {"message": "Not found or no album.read access"},
        )

    await client.patch(f"/api/albums/{album['id']}", json={"isActivityEnabled": False}, headers=owner.headers)
    disabled = await post_activity(client, viewer, albumId=album["id"], type="like")
    assert (disabled.status_code, disabled.json()) == (
        400,
        {"message": "Not found or no activity.create access"},
    )


async def test_authors_and_the_album_owner_delete_activity(client: httpx.AsyncClient) -> None:
    owner, editor, viewer = await three_users(client)
    album = await shared_album(client, owner, editor, viewer)
    first = (await post_activity(client, viewer, albumId=album["id"], type="comment", comment="one")).json()
    second = (await post_activity(client, viewer, albumId=album["id"], type="comment", comment="two")).json()

    by_other_member = await client.delete(f"/api/activities/{first['id']}", headers=editor.headers)
    assert (by_other_member.status_code, by_other_member.json()) == (
        400,
        {"message": "Not found or no activity.delete access"},
    )
    assert (await client.delete(f"/api/activities/{first['id']}", headers=viewer.headers)).status_code == 204
    assert (await client.delete(f"/api/activities/{second['id']}", headers=owner.headers)).status_code == 204
    remaining = await client.get("/api/activities", params={"albumId": album["id"]}, headers=owner.headers)
    assert remaining.json() == []
