"""``/api/sync``: the mobile app's stream, its acknowledgements, resets and who may use them."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import orjson
from sqlalchemy import text

from albumen.db.engine import Database
from albumen.db.repositories.sync import FENCE_MILLIS
from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_api_key, create_user, login, sign_up_admin

NDJSON = "application/jsonlines+json"

#: Every request type Immich 3.2.2 still serves, as the 3.1 app asks for them.
SERVED_TYPES = [
    "AuthUsersV1",
    "UsersV1",
    "AssetsV2",
    "AssetExifsV1",
    "AssetEditsV1",
    "AssetMetadataV1",
    "PartnersV1",
    "PartnerAssetsV2",
    "PartnerAssetExifsV1",
    "AlbumsV2",
    "AlbumUsersV1",
    "AlbumAssetsV2",
    "AlbumAssetExifsV1",
    "AlbumToAssetsV1",
    "MemoriesV1",
    "MemoryToAssetsV1",
    "StacksV1",
    "PartnerStacksV1",
    "UserMetadataV1",
    "PeopleV1",
    "AssetFacesV2",
    "AssetOcrV1",
]

#: entity type -> the 3.2.2 DTO its ``data`` must match
ENTITY_DTO = {
    "AuthUserV1": "SyncAuthUserV1",
    "UserV1": "SyncUserV1",
    "UserDeleteV1": "SyncUserDeleteV1",
    "AssetV2": "SyncAssetV2",
    "AssetDeleteV1": "SyncAssetDeleteV1",
    "AssetExifV1": "SyncAssetExifV1",
    "AssetEditV1": "SyncAssetEditV1",
    "AssetEditDeleteV1": "SyncAssetEditDeleteV1",
    "AssetMetadataV1": "SyncAssetMetadataV1",
    "AssetMetadataDeleteV1": "SyncAssetMetadataDeleteV1",
    "AssetOcrV1": "SyncAssetOcrV1",
    "AssetOcrDeleteV1": "SyncAssetOcrDeleteV1",
    "PartnerV1": "SyncPartnerV1",
    "PartnerDeleteV1": "SyncPartnerDeleteV1",
    "PartnerAssetV2": "SyncAssetV2",
    "PartnerAssetBackfillV2": "SyncAssetV2",
    "PartnerAssetDeleteV1": "SyncAssetDeleteV1",
    "PartnerAssetExifV1": "SyncAssetExifV1",
    "PartnerAssetExifBackfillV1": "SyncAssetExifV1",
    "PartnerStackV1": "SyncStackV1",
    "PartnerStackBackfillV1": "SyncStackV1",
    "PartnerStackDeleteV1": "SyncStackDeleteV1",
    "AlbumV1": "SyncAlbumV1",
    "AlbumV2": "SyncAlbumV2",
    "AlbumDeleteV1": "SyncAlbumDeleteV1",
    "AlbumUserV1": "SyncAlbumUserV1",
    "AlbumUserBackfillV1": "SyncAlbumUserV1",
    "AlbumUserDeleteV1": "SyncAlbumUserDeleteV1",
    "AlbumAssetCreateV2": "SyncAssetV2",
    "AlbumAssetUpdateV2": "SyncAssetV2",
    "AlbumAssetBackfillV2": "SyncAssetV2",
    "AlbumAssetExifCreateV1": "SyncAssetExifV1",
    "AlbumAssetExifUpdateV1": "SyncAssetExifV1",
    "AlbumAssetExifBackfillV1": "SyncAssetExifV1",
    "AlbumToAssetV1": "SyncAlbumToAssetV1",
    "AlbumToAssetBackfillV1": "SyncAlbumToAssetV1",
    "AlbumToAssetDeleteV1": "SyncAlbumToAssetDeleteV1",
    "MemoryV1": "SyncMemoryV1",
    "MemoryDeleteV1": "SyncMemoryDeleteV1",
    "MemoryToAssetV1": "SyncMemoryAssetV1",
    "MemoryToAssetDeleteV1": "SyncMemoryAssetDeleteV1",
    "StackV1": "SyncStackV1",
    "StackDeleteV1": "SyncStackDeleteV1",
    "PersonV1": "SyncPersonV1",
    "PersonDeleteV1": "SyncPersonDeleteV1",
    "AssetFaceV2": "SyncAssetFaceV2",
    "AssetFaceDeleteV1": "SyncAssetFaceDeleteV1",
    "UserMetadataV1": "SyncUserMetadataV1",
    "UserMetadataDeleteV1": "SyncUserMetadataDeleteV1",
    "SyncAckV1": "SyncAckV1",
    "SyncResetV1": "SyncResetV1",
    "SyncCompleteV1": "SyncCompleteV1",
}


# --- helpers other sync tests share -----------------------------------------------------------------


async def past_the_fence() -> None:
    """A stream leaves out rows younger than its fence (they come next time): let writes age past it."""
    await asyncio.sleep(2 * FENCE_MILLIS / 1000)


async def sync(
    client: httpx.AsyncClient, user: LoggedIn, types: list[str] | None = None
) -> list[dict[str, Any]]:
    """One ``POST /sync/stream`` as the app sends it; every line is checked against its DTO."""
    await past_the_fence()
    response = await client.post(
        "/api/sync/stream",
        json={"types": types or SERVED_TYPES},
        headers={**user.headers, "Accept": NDJSON},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(NDJSON)
    lines = [orjson.loads(raw) for raw in response.content.splitlines()]
    for item in lines:
        assert set(item) == {"type", "data", "ack"}
        assert_shape(item["data"], ENTITY_DTO[item["type"]])
        ack_type = item["ack"].split("|")[0]
        assert ack_type == item["type"] or item["type"] == "SyncAckV1"
    assert lines[-1]["type"] in ("SyncCompleteV1", "SyncResetV1")
    return lines


async def ack(client: httpx.AsyncClient, user: LoggedIn, lines: list[dict[str, Any]]) -> None:
    """Acknowledge the last line of each type, as the app does after writing a batch."""
    latest: dict[str, str] = {}
    for item in lines:
        latest[item["ack"].split("|")[0]] = item["ack"]
    response = await client.post("/api/sync/ack", json={"acks": list(latest.values())}, headers=user.headers)
    assert response.status_code == 204, response.text


def of_type(lines: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [item["data"] for item in lines if item["type"] == kind]


async def seed_assets(database: Database, owner_id: str, count: int, *, prefix: str = "IMG") -> list[str]:
    """``count`` assets with EXIF, as rows (no files), oldest first."""
    async with database.session() as session:
        rows = await session.execute(
            text(
                """
                INSERT INTO asset (owner_id, type, original_path, original_file_name, checksum,
                                   file_created_at, file_modified_at, local_date_time, thumbhash,
                                   duration_ms, width, height)
                SELECT CAST(:owner AS uuid), 'IMAGE', 'upload/' || :prefix || n || '.jpg',
                       :prefix || '_' || n || '.jpg', sha256((:prefix || :owner || n)::bytea),
                       timestamptz '2024-01-01' + n * interval '1 hour',
                       timestamptz '2024-01-01' + n * interval '1 hour',
                       timestamptz '2024-01-01' + n * interval '1 hour', '\\x0102'::bytea, NULL, 4000, 3000
                FROM generate_series(1, :count) AS n ORDER BY n
                RETURNING id
                """
            ),
            {"owner": owner_id, "count": count, "prefix": prefix},
        )
        ids = [str(row[0]) for row in rows]
        await session.execute(
            text(
                "INSERT INTO asset_exif (asset_id, make, model, city, latitude, longitude, "
                "date_time_original) SELECT id, 'Canon', 'EOS', 'Paris', 48.85, 2.35, file_created_at "
                "FROM asset WHERE id = ANY(CAST(:ids AS uuid[]))"
            ),
            {"ids": ids},
        )
        await session.commit()
    return ids


async def execute(database: Database, statement: str, **params: Any) -> None:
    async with database.session() as session:
        await session.execute(text(statement), params)
        await session.commit()


async def seed_details(database: Database, owner_id: str, asset_id: str) -> None:
    """A stack, a person with a face, a memory, OCR text, an edit and metadata on ``asset_id``."""
    await execute(
        database,
        "INSERT INTO stack (owner_id, primary_asset_id) VALUES (CAST(:owner AS uuid), CAST(:asset AS uuid))",
        owner=owner_id,
        asset=asset_id,
    )
    statements = [
        "INSERT INTO person (owner_id, name, birth_date) VALUES (CAST(:owner AS uuid), 'Ada', '1990-05-01')",
        "INSERT INTO asset_face (asset_id, person_id, bounding_box_x2, bounding_box_y2) "
        "SELECT CAST(:asset AS uuid), id, 10, 10 FROM person WHERE owner_id = CAST(:owner AS uuid)",
        "INSERT INTO memory (owner_id, type, data, memory_at) "
        "VALUES (CAST(:owner AS uuid), 'on_this_day', '{\"year\": 2020}', now())",
        "INSERT INTO memory_asset (memory_id, asset_id) "
        "SELECT id, CAST(:asset AS uuid) FROM memory WHERE owner_id = CAST(:owner AS uuid)",
        "INSERT INTO asset_ocr (asset_id, x1, y1, x2, y2, x3, y3, x4, y4, box_score, text_score, text) "
        "VALUES (CAST(:asset AS uuid), 0, 0, 1, 0, 1, 1, 0, 1, 0.9, 0.8, 'hello')",
        "INSERT INTO asset_edit (asset_id, action, parameters, sequence) "
        "VALUES (CAST(:asset AS uuid), 'rotate', '{\"angle\": 90}', 0)",
        "INSERT INTO asset_metadata (asset_id, key, value) "
        "VALUES (CAST(:asset AS uuid), 'mobile-app', '{\"cloudId\": \"abc\"}')",
        "INSERT INTO user_metadata (user_id, key, value) VALUES (CAST(:owner AS uuid), 'onboarding', "
        "'{\"isOnboarded\": true}') ON CONFLICT DO NOTHING",
    ]
    for statement in statements:
        await execute(database, statement, owner=owner_id, asset=asset_id)


async def share_partner(client: httpx.AsyncClient, sharer: LoggedIn, with_user: LoggedIn) -> None:
    response = await client.post(
        "/api/partners", json={"sharedWithId": with_user.user_id}, headers=sharer.headers
    )
    assert response.status_code == 201, response.text


async def create_album(
    client: httpx.AsyncClient, owner: LoggedIn, asset_ids: list[str], **fields: Any
) -> str:
    body = {"albumName": "Trip", "assetIds": asset_ids, **fields}
    response = await client.post("/api/albums", json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    album_id: str = response.json()["id"]
    return album_id


# --- tests ------------------------------------------------------------------------------------------


async def test_first_sync_streams_every_requested_type_then_only_completes(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    partner = await create_user(client, admin, "partner@albumen.test")
    own = await seed_assets(database, admin.user_id, 3)
    await seed_details(database, admin.user_id, own[0])
    theirs = await seed_assets(database, partner.user_id, 2, prefix="P")
    await execute(
        database,
        "INSERT INTO stack (owner_id, primary_asset_id) VALUES (CAST(:owner AS uuid), CAST(:asset AS uuid))",
        owner=partner.user_id,
        asset=theirs[0],
    )
    await share_partner(client, partner, admin)
    await create_album(client, admin, own[:2], albumUsers=[{"userId": partner.user_id, "role": "editor"}])

    lines = await sync(client, admin)

    kinds = {item["type"] for item in lines}
    expected = {
        "AuthUserV1", "UserV1", "PartnerV1", "AssetV2", "StackV1", "PartnerAssetV2", "PartnerStackV1",
        "AlbumAssetCreateV2", "AlbumV2", "AlbumUserV1", "AlbumToAssetV1", "AssetExifV1",
        "AlbumAssetExifCreateV1", "AssetOcrV1", "PartnerAssetExifV1", "MemoryV1", "MemoryToAssetV1",
        "PersonV1", "AssetFaceV2", "UserMetadataV1", "AssetMetadataV1", "AssetEditV1", "SyncAckV1",
        "SyncCompleteV1",
    }  # fmt: skip
    assert expected <= kinds
    assert sorted(item["id"] for item in of_type(lines, "AssetV2")) == sorted(own)
    assert sorted(item["id"] for item in of_type(lines, "PartnerAssetV2")) == sorted(theirs)
    assert all(item["isFavorite"] is False for item in of_type(lines, "PartnerAssetV2"))
    assert len(of_type(lines, "AssetExifV1")) == 3
    assert [user["id"] for user in of_type(lines, "AuthUserV1")] == [admin.user_id]
    assert {user["id"] for user in of_type(lines, "UserV1")} == {admin.user_id, partner.user_id}
    roles = {(item["userId"], item["role"]) for item in of_type(lines, "AlbumUserV1")}
    assert roles == {(admin.user_id, "owner"), (partner.user_id, "editor")}
    assert of_type(lines, "AssetMetadataV1") == [
        {"assetId": own[0], "key": "mobile-app", "value": {"cloudId": "abc"}}
    ]
    assert of_type(lines, "PersonV1")[0]["birthDate"] == "1990-05-01"
    asset = of_type(lines, "AssetV2")[0]
    assert asset["checksum"].endswith("=") and len(asset["checksum"]) == 44
    assert asset["fileCreatedAt"].endswith(".000Z")
    # Immich's order: types by SYNC_TYPES_ORDER, SyncCompleteV1 last, its ack the stream's upper bound.
    first_seen = list(dict.fromkeys(item["type"] for item in lines))
    assert first_seen.index("AuthUserV1") < first_seen.index("UserV1") < first_seen.index("AssetV2")
    assert first_seen.index("AlbumAssetCreateV2") < first_seen.index("AlbumV2") < first_seen.index("MemoryV1")
    assert lines[-1]["type"] == "SyncCompleteV1"
    assert lines[-1]["ack"].startswith("SyncCompleteV1|")

    await ack(client, admin, lines)
    again = await sync(client, admin)
    assert [item["type"] for item in again] == ["SyncCompleteV1"]


async def test_acks_are_listed_replaced_and_deleted_per_session(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    other_device = await login(client, admin.email, admin.password)
    lines = await sync(client, admin, ["AuthUsersV1"])
    await ack(client, admin, lines)

    listed = (await client.get("/api/sync/ack", headers=admin.headers)).json()
    assert_shape(listed, "SyncAckDto[]")
    assert {item["type"] for item in listed} == {"AuthUserV1", "SyncCompleteV1"}
    assert (await client.get("/api/sync/ack", headers=other_device.headers)).json() == []

    response = await client.request(
        "DELETE", "/api/sync/ack", json={"types": ["AuthUserV1"]}, headers=admin.headers
    )
    assert response.status_code == 204
    listed = (await client.get("/api/sync/ack", headers=admin.headers)).json()
    assert [item["type"] for item in listed] == ["SyncCompleteV1"]
    assert [item["type"] for item in await sync(client, admin, ["AuthUsersV1"])] == [
        "AuthUserV1",
        "SyncCompleteV1",
    ]

    assert (await client.request("DELETE", "/api/sync/ack", headers=admin.headers)).status_code == 204
    assert (await client.get("/api/sync/ack", headers=admin.headers)).json() == []


async def test_invalid_acks_and_deprecated_types_are_refused(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.post("/api/sync/ack", json={"acks": ["NopeV1|x"]}, headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid ack type: NopeV1"
    response = await client.post(
        "/api/sync/ack", json={"acks": ["AssetV2|not-a-uuid"]}, headers=admin.headers
    )
    assert response.status_code == 400

    response = await client.post("/api/sync/stream", json={"types": ["AssetsV1"]}, headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "SyncRequestType.AssetsV1 is deprecated, use SyncRequestType.AssetsV2 instead"
    )
    response = await client.post("/api/sync/stream", json={"types": ["Photos"]}, headers=admin.headers)
    assert response.status_code == 400


async def test_api_keys_may_not_sync(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    headers = {"x-api-key": await create_api_key(client, admin)}
    message = {"message": "Sync endpoints cannot be used with API keys"}
    calls = [
        client.post("/api/sync/stream", json={"types": ["AssetsV2"]}, headers=headers),
        client.get("/api/sync/ack", headers=headers),
        client.post("/api/sync/ack", json={"acks": []}, headers=headers),
        client.request("DELETE", "/api/sync/ack", json={}, headers=headers),
    ]
    for call in calls:
        response = await call
        assert response.status_code == 403
        assert response.json()["message"] == message["message"]


async def test_reset_when_pending_or_checkpoint_too_old(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    await seed_assets(database, admin.user_id, 2)
    await ack(client, admin, await sync(client, admin, ["AssetsV2"]))

    # A SyncCompleteV1 checkpoint from 31 days ago: the audit tables may no longer hold what changed.
    old = uuid.UUID(int=(int(time.time() * 1000) - 31 * 86_400_000) << 80 | 0x7000 << 64 | 1 << 63)
    await ack_raw(client, admin, [f"SyncCompleteV1|{old}"])
    lines = await sync(client, admin, ["AssetsV2"])
    assert lines == [{"type": "SyncResetV1", "data": {}, "ack": "SyncResetV1|reset"}]

    await ack(client, admin, lines)  # acknowledging the reset forgets every checkpoint
    assert (await client.get("/api/sync/ack", headers=admin.headers)).json() == []
    assert len(of_type(await sync(client, admin, ["AssetsV2"]), "AssetV2")) == 2

    await execute(database, "UPDATE session SET is_pending_sync_reset = true")
    assert [item["type"] for item in await sync(client, admin, ["AssetsV2"])] == ["SyncResetV1"]
    # ``reset: true`` clears the pending reset and the progress, then streams everything.
    response = await client.post(
        "/api/sync/stream", json={"types": ["AssetsV2"], "reset": True}, headers=admin.headers
    )
    assert [orjson.loads(raw)["type"] for raw in response.content.splitlines()].count("AssetV2") == 2


async def ack_raw(client: httpx.AsyncClient, user: LoggedIn, acks: list[str]) -> None:
    response = await client.post("/api/sync/ack", json={"acks": acks}, headers=user.headers)
    assert response.status_code == 204, response.text
