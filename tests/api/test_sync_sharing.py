"""What changes on one device, or in a partner's or shared album's library, reaches another device's
next sync: deletions, album changes, partners' new photos, and backfill of newly shared libraries."""

from __future__ import annotations

import httpx

from albumen.db.engine import Database
from tests.api.test_sync import ack, create_album, execute, of_type, seed_assets, share_partner, sync
from tests.helpers import create_user, login, sign_up_admin


async def test_changes_made_elsewhere_reach_the_second_session(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    partner = await create_user(client, admin, "partner@albumen.test")
    await share_partner(client, partner, admin)
    own = await seed_assets(database, admin.user_id, 4)
    album_id = await create_album(client, admin, own[:2])
    phone = await login(client, admin.email, admin.password)
    await ack(client, phone, await sync(client, phone))

    web = admin
    deleted, trashed, added = own[0], own[1], own[3]
    response = await client.request(
        "DELETE", "/api/assets", json={"ids": [deleted], "force": True}, headers=web.headers
    )
    assert response.status_code == 204, response.text
    response = await client.request("DELETE", "/api/assets", json={"ids": [trashed]}, headers=web.headers)
    assert response.status_code == 204, response.text
    response = await client.patch(
        f"/api/albums/{album_id}", json={"albumName": "Renamed"}, headers=web.headers
    )
    assert response.status_code == 200, response.text
    response = await client.put(f"/api/albums/{album_id}/assets", json={"ids": [added]}, headers=web.headers)
    assert response.status_code == 200, response.text
    new_photo = (await seed_assets(database, partner.user_id, 1, prefix="NEW"))[0]

    lines = await sync(client, phone)

    assert of_type(lines, "AssetDeleteV1") == [{"assetId": deleted}]
    assert {"albumId": album_id, "assetId": deleted} in of_type(lines, "AlbumToAssetDeleteV1")
    kinds = [item["type"] for item in lines]
    assert kinds.index("AssetDeleteV1") < kinds.index("AssetV2")  # deletions before changes
    changed = {asset["id"]: asset for asset in of_type(lines, "AssetV2")}
    assert set(changed) == {trashed}
    assert changed[trashed]["deletedAt"] is not None
    assert [album["name"] for album in of_type(lines, "AlbumV2")] == ["Renamed"]
    assert of_type(lines, "AlbumToAssetV1") == [{"albumId": album_id, "assetId": added}]
    assert [asset["id"] for asset in of_type(lines, "AlbumAssetCreateV2")] == [added]
    assert [asset["id"] for asset in of_type(lines, "PartnerAssetV2")] == [new_photo]
    assert [exif["assetId"] for exif in of_type(lines, "PartnerAssetExifV1")] == [new_photo]

    await ack(client, phone, lines)
    assert [item["type"] for item in await sync(client, phone)] == ["SyncCompleteV1"]


async def seed_stack(database: Database, owner_id: str, primary_asset_id: str) -> None:
    await execute(
        database,
        "INSERT INTO stack (owner_id, primary_asset_id) VALUES (CAST(:owner AS uuid), CAST(:asset AS uuid))",
        owner=owner_id,
        asset=primary_asset_id,
    )


async def test_a_new_partner_library_is_backfilled(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    first = await create_user(client, admin, "first@albumen.test")
    late = await create_user(client, admin, "late@albumen.test")
    # The late partner's photos predate everything the device will have acknowledged, so they can
    # only reach it through the backfill once the share begins.
    old = await seed_assets(database, late.user_id, 3, prefix="L")
    await seed_stack(database, late.user_id, old[0])
    early = await seed_assets(database, first.user_id, 1, prefix="F")
    await seed_stack(database, first.user_id, early[0])
    await share_partner(client, first, admin)
    await ack(client, admin, await sync(client, admin))
    await ack(client, admin, await sync(client, admin))
    await share_partner(client, late, admin)

    lines = await sync(client, admin)

    backfilled = [item for item in lines if item["type"] == "PartnerAssetBackfillV2"]
    assert sorted(item["data"]["id"] for item in backfilled) == sorted(old)
    create_id = backfilled[0]["ack"].split("|")[1]
    assert all(item["ack"].startswith(f"PartnerAssetBackfillV2|{create_id}|") for item in backfilled)
    assert {"type": "SyncAckV1", "data": {}, "ack": f"PartnerAssetBackfillV2|{create_id}|complete"} in lines
    assert len(of_type(lines, "PartnerAssetExifBackfillV1")) == 3
    assert len(of_type(lines, "PartnerStackBackfillV1")) == 1
    assert [partner["sharedById"] for partner in of_type(lines, "PartnerV1")] == [late.user_id]
    assert of_type(lines, "PartnerAssetV2") == []

    await ack(client, admin, lines)
    assert [item["type"] for item in await sync(client, admin)] == ["SyncCompleteV1"]

    response = await client.delete(f"/api/partners/{admin.user_id}", headers=late.headers)
    assert response.status_code == 204
    lines = await sync(client, admin)
    assert of_type(lines, "PartnerDeleteV1") == [{"sharedById": late.user_id, "sharedWithId": admin.user_id}]


async def test_a_newly_shared_album_is_backfilled_and_leaving_it_deletes_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    owner = await create_user(client, admin, "owner@albumen.test")
    # The owner's album predates the user's own: its rows are older than the user's checkpoints.
    theirs = await seed_assets(database, owner.user_id, 2, prefix="O")
    shared_album = await create_album(client, owner, theirs)
    mine = await seed_assets(database, admin.user_id, 1)
    await create_album(client, admin, mine)
    await ack(client, admin, await sync(client, admin))

    response = await client.put(
        f"/api/albums/{shared_album}/users",
        json={"albumUsers": [{"userId": admin.user_id, "role": "viewer"}]},
        headers=owner.headers,
    )
    assert response.status_code == 200, response.text
    lines = await sync(client, admin)

    assert sorted(asset["id"] for asset in of_type(lines, "AlbumAssetBackfillV2")) == sorted(theirs)
    assert all(asset["isFavorite"] is False for asset in of_type(lines, "AlbumAssetBackfillV2"))
    assert len(of_type(lines, "AlbumAssetExifBackfillV1")) == 2
    assert {(row["albumId"], row["assetId"]) for row in of_type(lines, "AlbumToAssetBackfillV1")} == {
        (shared_album, asset_id) for asset_id in theirs
    }
    roles = {(row["userId"], row["role"]) for row in of_type(lines, "AlbumUserBackfillV1")}
    assert (owner.user_id, "owner") in roles
    assert [album["id"] for album in of_type(lines, "AlbumV2")] == [shared_album]
    await ack(client, admin, lines)

    response = await client.delete(f"/api/albums/{shared_album}/user/{admin.user_id}", headers=owner.headers)
    assert response.status_code == 204, response.text
    lines = await sync(client, admin)
    assert of_type(lines, "AlbumDeleteV1") == [{"albumId": shared_album}]
