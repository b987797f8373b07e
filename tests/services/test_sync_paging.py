"""The sync stream reads in keyset pages: memory is bounded by the page size, not the library."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from albumen.db.engine import Database
from albumen.dto.sync import SyncRequestType, SyncStreamDto
from albumen.services import sync
from albumen.services.authentication import Credential, CredentialKind, authenticate
from tests.api.test_sync import ack, create_album, execute, past_the_fence, seed_assets
from tests.helpers import sign_up_admin


async def test_stream_pages_return_every_row_in_update_order(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    asset_ids = await seed_assets(database, admin.user_id, 11)
    dto = SyncStreamDto(types=[SyncRequestType.ASSETS_V2, SyncRequestType.ASSET_EXIFS_V1])

    await past_the_fence()
    async with database.session() as db:
        auth = await authenticate(db, Credential(CredentialKind.SESSION, admin.token))
        chunks = [chunk async for chunk in await sync.open_stream(db, database, auth, dto, page_size=4)]

    # One chunk per page (4 + 4 + 3 assets, then exif likewise), then SyncCompleteV1.
    assert len(chunks) == 7
    assert all(chunk.count(b"\n") <= 4 for chunk in chunks)
    lines = [orjson.loads(raw) for chunk in chunks for raw in chunk.splitlines()]
    assets = [line for line in lines if line["type"] == "AssetV2"]
    assert [line["data"]["id"] for line in assets] == asset_ids  # inserted in order: update ids ascend
    update_ids = [line["ack"].split("|")[1] for line in assets]
    assert update_ids == sorted(update_ids) and len(set(update_ids)) == 11
    exif_lines = [line for line in lines if line["type"] == "AssetExifV1"]
    assert sorted(line["data"]["assetId"] for line in exif_lines) == sorted(asset_ids)
    exif_update_ids = [line["ack"].split("|")[1] for line in exif_lines]
    assert exif_update_ids == sorted(exif_update_ids)
    assert lines[-1]["type"] == "SyncCompleteV1"


async def test_pages_of_rows_sharing_a_key_continue_after_the_tie(
    client: httpx.AsyncClient, database: Database
) -> None:
    """An asset in two albums is sent once per album: the cursor is (update id, album id)."""
    admin = await sign_up_admin(client)
    asset_ids = await seed_assets(database, admin.user_id, 3)
    album_ids = [await create_album(client, admin, asset_ids) for _ in range(2)]
    dto = SyncStreamDto(types=[SyncRequestType.ALBUM_ASSETS_V2])
    await ack(client, admin, await sync_lines(database, admin.token, dto, page_size=2))
    await execute(database, "UPDATE asset SET is_favorite = true")

    lines = await sync_lines(database, admin.token, dto, page_size=2)

    updates = [line for line in lines if line["type"] == "AlbumAssetUpdateV2"]
    assert sorted(line["data"]["id"] for line in updates) == sorted(asset_ids * 2)
    assert all(line["data"]["isFavorite"] for line in updates)
    assert len(album_ids) == 2


async def sync_lines(
    database: Database, token: str, dto: SyncStreamDto, *, page_size: int
) -> list[dict[str, Any]]:
    await past_the_fence()
    async with database.session() as db:
        auth = await authenticate(db, Credential(CredentialKind.SESSION, token))
        chunks = [
            chunk async for chunk in await sync.open_stream(db, database, auth, dto, page_size=page_size)
        ]
    return [orjson.loads(raw) for chunk in chunks for raw in chunk.splitlines()]
