"""Tags: a tree of values per user, colours, renames, and tagging assets one by one or in bulk."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select

from albumen.db.engine import Database
from albumen.db.tables import AssetExif, Tag, TagClosure
from tests.api.asset_support import upload
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin


async def create_tag(client: httpx.AsyncClient, user: LoggedIn, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/tags", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    tag: dict[str, Any] = response.json()
    assert_shape(tag, "TagResponseDto")
    return tag


async def asset_tags(client: httpx.AsyncClient, user: LoggedIn, asset_id: str) -> list[str]:
    body = (await client.get(f"/api/assets/{asset_id}", headers=user.headers)).json()
    assert_shape(body, "AssetResponseDto")
    return [tag["value"] for tag in body["tags"]]


async def test_upsert_creates_the_tree_once(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)

    response = await client.put(
        "/api/tags", json={"tags": ["Travel/Japan/Kyoto", "Travel/Japan", "Food"]}, headers=admin.headers
    )

    assert response.status_code == 200, response.text
    tags = response.json()
    assert_shape(tags, "TagResponseDto[]")
    assert [(tag["name"], tag["value"]) for tag in tags] == [
        ("Kyoto", "Travel/Japan/Kyoto"),
        ("Japan", "Travel/Japan"),
        ("Food", "Food"),
    ]
    assert tags[0]["parentId"] == tags[1]["id"]
    assert "parentId" not in tags[2] and "color" not in tags[2]
    again = await client.put("/api/tags", json={"tags": ["Travel/Japan/Kyoto"]}, headers=admin.headers)
    assert again.json()[0]["id"] == tags[0]["id"]

    everything = await client.get("/api/tags", headers=admin.headers)
    assert [tag["value"] for tag in everything.json()] == [
        "Food",
        "Travel",
        "Travel/Japan",
        "Travel/Japan/Kyoto",
    ]
    async with database.session() as session:
        kyoto = uuid.UUID(tags[0]["id"])
        ancestors = (
            await session.execute(select(TagClosure.id_ancestor).where(TagClosure.id_descendant == kyoto))
        ).scalars()
        values = (await session.execute(select(Tag.value).where(Tag.id.in_(list(ancestors))))).scalars()
        assert sorted(values) == ["Travel", "Travel/Japan", "Travel/Japan/Kyoto"]


async def test_create_with_parent_colour_and_duplicates(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    parent = await create_tag(client, admin, name="Family")
    child = await create_tag(client, admin, name="Kids", parentId=parent["id"], color="ff0000")

    assert (child["value"], child["parentId"], child["color"]) == ("Family/Kids", parent["id"], "#ff0000")
    duplicate = await client.post(
        "/api/tags", json={"name": "Kids", "parentId": parent["id"]}, headers=admin.headers
    )
    assert duplicate.status_code == 400
    assert duplicate.json() == {"message": "A tag with that name already exists"}
    bad_colour = await client.post("/api/tags", json={"name": "x", "color": "red"}, headers=admin.headers)
    assert bad_colour.status_code == 400
    fetched = await client.get(f"/api/tags/{child['id']}", headers=admin.headers)
    assert fetched.json() == child


async def test_update_colour_and_rename_moves_descendants(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    await client.put("/api/tags", json={"tags": ["Trips/2024/Summer"]}, headers=admin.headers)
    all_tags = {tag["value"]: tag for tag in (await client.get("/api/tags", headers=admin.headers)).json()}
    year = all_tags["Trips/2024"]

    coloured = await client.put(f"/api/tags/{year['id']}", json={"color": "#00ff00"}, headers=admin.headers)
    assert coloured.json()["color"] == "#00ff00"
    renamed = await client.put(f"/api/tags/{year['id']}", json={"name": "2025"}, headers=admin.headers)
    assert (renamed.json()["value"], renamed.json()["color"]) == ("Trips/2025", "#00ff00")
    values = [tag["value"] for tag in (await client.get("/api/tags", headers=admin.headers)).json()]
    assert values == ["Trips", "Trips/2025", "Trips/2025/Summer"]
    cleared = await client.put(f"/api/tags/{year['id']}", json={"color": None}, headers=admin.headers)
    assert "color" not in cleared.json()


async def test_tag_and_untag_assets_report_each_id(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    mine = await upload(client, admin)
    theirs = await upload(client, other)
    tag = await create_tag(client, admin, name="Best")
    url = f"/api/tags/{tag['id']}/assets"

    added = await client.put(url, json={"ids": [mine, theirs]}, headers=admin.headers)
    assert added.status_code == 200
    assert_shape(added.json(), "BulkIdResponseDto[]")
    assert added.json() == [
        {"id": mine, "success": True},
        {"id": theirs, "success": False, "error": "no_permission"},
    ]
    again = await client.put(url, json={"ids": [mine]}, headers=admin.headers)
    assert again.json() == [{"id": mine, "success": False, "error": "duplicate"}]
    assert await asset_tags(client, admin, mine) == ["Best"]
    async with database.session() as session:
        exif = (
            await session.execute(select(AssetExif).where(AssetExif.asset_id == uuid.UUID(mine)))
        ).scalar_one()
        assert (exif.tags, exif.locked_properties) == (["Best"], ["tags"])

    removed = await client.request("DELETE", url, json={"ids": [mine, theirs]}, headers=admin.headers)
    assert removed.json() == [
        {"id": mine, "success": True},
        {"id": theirs, "success": False, "error": "not_found"},
    ]
    assert await asset_tags(client, admin, mine) == []


async def test_bulk_tagging_and_deleting_a_subtree(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    assets = [await upload(client, admin) for _ in range(2)]
    tags = (
        await client.put("/api/tags", json={"tags": ["Places/Paris", "People"]}, headers=admin.headers)
    ).json()

    response = await client.put(
        "/api/tags/assets",
        json={"tagIds": [tag["id"] for tag in tags], "assetIds": assets},
        headers=admin.headers,
    )

    assert (response.status_code, response.json()) == (200, {"count": 4})
    repeat = await client.put(
        "/api/tags/assets", json={"tagIds": [tags[0]["id"]], "assetIds": assets}, headers=admin.headers
    )
    assert repeat.json() == {"count": 0}
    assert await asset_tags(client, admin, assets[0]) == ["People", "Places/Paris"]

    places = next(
        tag
        for tag in (await client.get("/api/tags", headers=admin.headers)).json()
        if tag["value"] == "Places"
    )
    deleted = await client.delete(f"/api/tags/{places['id']}", headers=admin.headers)
    assert deleted.status_code == 204
    assert [tag["value"] for tag in (await client.get("/api/tags", headers=admin.headers)).json()] == [
        "People"
    ]
    assert await asset_tags(client, admin, assets[1]) == ["People"]


async def test_tags_are_their_owners_alone(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    tag = await create_tag(client, admin, name="Private")
    their_asset = await upload(client, other)

    for method, suffix, body, permission in [
        ("GET", "", None, "tag.read"),
        ("PUT", "", {"color": "#000000"}, "tag.update"),
        ("DELETE", "", None, "tag.delete"),
        ("PUT", "/assets", {"ids": [their_asset]}, "tag.asset"),
        ("DELETE", "/assets", {"ids": [their_asset]}, "tag.asset"),
    ]:
        response = await client.request(
            method, f"/api/tags/{tag['id']}{suffix}", json=body, headers=other.headers
        )
        assert response.status_code == 400, (method, suffix)
        assert response.json() == {"message": f"Not found or no {permission} access"}
    assert (await client.get("/api/tags", headers=other.headers)).json() == []
    child = await client.post("/api/tags", json={"name": "x", "parentId": tag["id"]}, headers=other.headers)
    assert child.json() == {"message": "Not found or no tag.read access"}
    bulk = await client.put(
        "/api/tags/assets", json={"tagIds": [tag["id"]], "assetIds": [their_asset]}, headers=other.headers
    )
    assert bulk.json() == {"count": 0}
