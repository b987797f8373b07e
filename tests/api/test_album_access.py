"""Sharing albums: roles, who may read or change what, members' view of album assets, leaving."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import insert

from albumen.db.engine import Database
from albumen.db.tables import Partner
from tests.api.test_albums import create_album, seed_assets
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin


async def three_users(client: httpx.AsyncClient) -> tuple[LoggedIn, LoggedIn, LoggedIn]:
    owner = await sign_up_admin(client)
    editor = await create_user(client, owner, "editor@albumen.test", name="Edith")
    viewer = await create_user(client, owner, "viewer@albumen.test", name="Victor")
    return owner, editor, viewer


async def shared_album(
    client: httpx.AsyncClient, owner: LoggedIn, editor: LoggedIn, viewer: LoggedIn, **body: object
) -> dict[str, object]:
    members = [{"userId": editor.user_id, "role": "editor"}, {"userId": viewer.user_id, "role": "viewer"}]
    return await create_album(client, owner, albumName="Shared", albumUsers=members, **body)


async def test_album_users_list_owner_then_caller_then_by_name(client: httpx.AsyncClient) -> None:
    owner, editor, viewer = await three_users(client)
    album = await shared_album(client, owner, editor, viewer)

    assert album["shared"] is True
    seen_by_viewer = (await client.get(f"/api/albums/{album['id']}", headers=viewer.headers)).json()
    assert_shape(seen_by_viewer, "AlbumResponseDto")
    assert [(member["user"]["name"], member["role"]) for member in seen_by_viewer["albumUsers"]] == [
        ("Admin", "owner"),
        ("Victor", "viewer"),
        ("Edith", "editor"),
    ]
    assert seen_by_viewer["contributorCounts"] == []


async def test_viewer_cannot_add_assets_but_editor_can(client: httpx.AsyncClient, database: Database) -> None:
    owner, editor, viewer = await three_users(client)
    album = await shared_album(client, owner, editor, viewer)
    (editors_asset,) = await seed_assets(database, editor, 1)
    (viewers_asset,) = await seed_assets(database, viewer, 1)

    denied = await client.put(
        f"/api/albums/{album['id']}/assets", json={"ids": [viewers_asset]}, headers=viewer.headers
    )
    assert (denied.status_code, denied.json()) == (
        400,
        {"message": "Not found or no albumAsset.create access"},
    )

    added = await client.put(
        f"/api/albums/{album['id']}/assets", json={"ids": [editors_asset]}, headers=editor.headers
    )
    assert added.json() == [{"id": editors_asset, "success": True}]
    detail = (await client.get(f"/api/albums/{album['id']}", headers=owner.headers)).json()
    assert detail["contributorCounts"] == [{"userId": editor.user_id, "assetCount": 1}]


async def test_non_member_is_refused_everything(client: httpx.AsyncClient, database: Database) -> None:
    owner = await sign_up_admin(client)
    stranger = await create_user(client, owner, "stranger@albumen.test")
    (asset_id,) = await seed_assets(database, stranger, 1)
    album = await create_album(client, owner)
    url = f"/api/albums/{album['id']}"
    headers = stranger.headers

    attempts = [
        (await client.get(url, headers=headers), "album.read"),
        (await client.get(f"{url}/map-markers", headers=headers), "album.read"),
        (await client.patch(url, json={"albumName": "Mine"}, headers=headers), "album.update"),
        (await client.delete(url, headers=headers), "album.delete"),
        (await client.put(f"{url}/assets", json={"ids": [asset_id]}, headers=headers), "albumAsset.create"),
        (
            await client.request("DELETE", f"{url}/assets", json={"ids": [asset_id]}, headers=headers),
            "albumAsset.delete",
        ),
        (
            await client.put(
                f"{url}/users", json={"albumUsers": [{"userId": stranger.user_id}]}, headers=headers
            ),
            "album.share",
        ),
    ]

    for response, permission in attempts:
        assert (response.status_code, response.json()) == (
            400,
            {"message": f"Not found or no {permission} access"},
        ), response.request.url
    assert (await client.get("/api/albums", headers=headers)).json() == []


async def test_only_the_owner_changes_deletes_or_shares(client: httpx.AsyncClient) -> None:
    owner, editor, viewer = await three_users(client)
    album = await shared_album(client, owner, editor, viewer)
    url = f"/api/albums/{album['id']}"

    assert (await client.patch(url, json={"albumName": "X"}, headers=editor.headers)).status_code == 400
    assert (await client.delete(url, headers=editor.headers)).status_code == 400
    role_change = await client.put(
        f"{url}/user/{viewer.user_id}", json={"role": "editor"}, headers=editor.headers
    )
    assert role_change.json() == {"message": "Not found or no album.share access"}
    kick = await client.delete(f"{url}/user/{viewer.user_id}", headers=editor.headers)
    assert kick.json() == {"message": "Not found or no album.share access"}


async def test_member_reads_album_assets_but_not_others(
    client: httpx.AsyncClient, database: Database
) -> None:
    owner, editor, viewer = await three_users(client)
    in_album, private = await seed_assets(database, owner, 2)
    album = await shared_album(client, owner, editor, viewer, assetIds=[in_album])

    visible = await client.get(f"/api/assets/{in_album}", headers=viewer.headers)
    assert visible.status_code == 200
    hidden = await client.get(f"/api/assets/{private}", headers=viewer.headers)
    assert (hidden.status_code, hidden.json()) == (400, {"message": "Not found or no asset.read access"})

    await client.request(
        "DELETE", f"/api/albums/{album['id']}/assets", json={"ids": [in_album]}, headers=owner.headers
    )
    assert (await client.get(f"/api/assets/{in_album}", headers=viewer.headers)).status_code == 400


async def test_editor_removes_only_assets_they_may_share(
    client: httpx.AsyncClient, database: Database
) -> None:
    owner, editor, viewer = await three_users(client)
    (owners_asset,) = await seed_assets(database, owner, 1)
    album = await shared_album(client, owner, editor, viewer, assetIds=[owners_asset])
    (editors_asset,) = await seed_assets(database, editor, 1)
    await client.put(
        f"/api/albums/{album['id']}/assets", json={"ids": [editors_asset]}, headers=editor.headers
    )
    url = f"/api/albums/{album['id']}/assets"

    removed = await client.request(
        "DELETE", url, json={"ids": [owners_asset, editors_asset]}, headers=editor.headers
    )
    assert removed.json() == [
        {"id": owners_asset, "success": False, "error": "no_permission"},
        {"id": editors_asset, "success": True},
    ]
    by_viewer = await client.request("DELETE", url, json={"ids": [owners_asset]}, headers=viewer.headers)
    assert by_viewer.json() == {"message": "Not found or no albumAsset.delete access"}
    by_owner = await client.request("DELETE", url, json={"ids": [owners_asset]}, headers=owner.headers)
    assert by_owner.json() == [{"id": owners_asset, "success": True}]


async def test_add_users_and_change_roles(client: httpx.AsyncClient) -> None:
    owner, editor, viewer = await three_users(client)
    album = await create_album(client, owner)
    url = f"/api/albums/{album['id']}"

    response = await client.put(
        f"{url}/users",
        json={"albumUsers": [{"userId": editor.user_id}, {"userId": owner.user_id, "role": "viewer"}]},
        headers=owner.headers,
    )
    assert response.status_code == 200
    assert_shape(response.json(), "AlbumResponseDto")
    assert [(m["user"]["id"], m["role"]) for m in response.json()["albumUsers"]] == [
        (owner.user_id, "owner"),
        (editor.user_id, "editor"),
    ]
    assert response.json()["shared"] is True

    another_owner = await client.put(
        f"{url}/users",
        json={"albumUsers": [{"userId": viewer.user_id, "role": "owner"}]},
        headers=owner.headers,
    )
    assert another_owner.json() == {"message": "Cannot add another owner"}
    nobody = await client.put(
        f"{url}/users",
        json={"albumUsers": [{"userId": "6d3c1c4e-0b1a-4c6e-9d7e-2f1a9b8c7d6e"}]},
        headers=owner.headers,
    )
    assert nobody.json() == {"message": "Invalid user"}

    demoted = await client.put(f"{url}/user/{editor.user_id}", json={"role": "viewer"}, headers=owner.headers)
    assert demoted.status_code == 204
    members = (await client.get(url, headers=owner.headers)).json()["albumUsers"]
    assert [m["role"] for m in members] == ["owner", "viewer"]
    as_owner = await client.put(f"{url}/user/{owner.user_id}", json={"role": "viewer"}, headers=owner.headers)
    assert as_owner.json() == {"message": "User is owner"}
    stranger = await client.put(
        f"{url}/user/{viewer.user_id}", json={"role": "viewer"}, headers=owner.headers
    )
    assert stranger.json() == {"message": "Album not shared with user"}


async def test_members_leave_and_the_owner_stays(client: httpx.AsyncClient) -> None:
    owner, editor, viewer = await three_users(client)
    album = await shared_album(client, owner, editor, viewer)
    url = f"/api/albums/{album['id']}"

    left = await client.delete(f"{url}/user/me", headers=viewer.headers)
    assert left.status_code == 204
    assert (await client.get(url, headers=viewer.headers)).status_code == 400
    assert (await client.get("/api/albums", headers=viewer.headers)).json() == []

    owner_leaving = await client.delete(f"{url}/user/me", headers=owner.headers)
    assert (owner_leaving.status_code, owner_leaving.json()) == (
        400,
        {"message": "Cannot remove the last album owner"},
    )
    removing_owner = await client.delete(f"{url}/user/{owner.user_id}", headers=editor.headers)
    assert removing_owner.json() == {"message": "Cannot remove the last album owner"}

    kicked = await client.delete(f"{url}/user/{editor.user_id}", headers=owner.headers)
    assert kicked.status_code == 204
    after = (await client.get(url, headers=owner.headers)).json()
    assert (after["shared"], len(after["albumUsers"])) == (False, 1)
    again = await client.delete(f"{url}/user/{editor.user_id}", headers=owner.headers)
    assert again.json() == {"message": "Album not shared with user"}


async def test_partner_assets_may_be_added_but_locked_ones_may_not(
    client: httpx.AsyncClient, database: Database
) -> None:
    owner = await sign_up_admin(client)
    partner = await create_user(client, owner, "partner@albumen.test")
    (partners_asset,) = await seed_assets(database, partner, 1)
    (locked,) = await seed_assets(database, owner, 1, visibility="locked")
    async with database.session() as db:
        await db.execute(
            insert(Partner).values(
                shared_by_id=uuid.UUID(partner.user_id), shared_with_id=uuid.UUID(owner.user_id)
            )
        )
        await db.commit()
    album = await create_album(client, owner)

    response = await client.put(
        f"/api/albums/{album['id']}/assets", json={"ids": [partners_asset, locked]}, headers=owner.headers
    )

    assert response.json() == [
        {"id": partners_asset, "success": True},
        {"id": locked, "success": False, "error": "no_permission"},
    ]
