"""Downloads: archives split by size, live photo videos included, ZIPs that unpack to the originals."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile

import httpx

from tests.api.asset_support import upload
from tests.dto_shapes import assert_shape
from tests.helpers import create_user, sign_up_admin


async def test_info_splits_assets_into_archives_by_size(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    ids = [await upload(client, admin, f"{index}.jpg", os.urandom(1000)) for index in range(5)]

    response = await client.post(
        "/api/download/info", json={"assetIds": ids, "archiveSize": 1500}, headers=admin.headers
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert_shape(body, "DownloadResponseDto")
    # Immich closes an archive once it passes the size: 2 + 2 + 1 assets.
    assert [archive["size"] for archive in body["archives"]] == [2000, 2000, 1000]
    assert [len(archive["assetIds"]) for archive in body["archives"]] == [2, 2, 1]
    assert sorted(asset_id for archive in body["archives"] for asset_id in archive["assetIds"]) == sorted(ids)
    assert body["totalSize"] == 5000

    whole = await client.post("/api/download/info", json={"assetIds": ids}, headers=admin.headers)
    assert [archive["size"] for archive in whole.json()["archives"]] == [5000]


async def test_info_includes_live_photo_videos_and_reads_a_whole_library(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    video = await upload(client, admin, "live.mov", os.urandom(300), visibility="hidden")
    photo = await upload(client, admin, "live.heic", os.urandom(700), livePhotoVideoId=video)

    by_ids = await client.post("/api/download/info", json={"assetIds": [photo]}, headers=admin.headers)
    assert by_ids.json() == {"totalSize": 1000, "archives": [{"size": 1000, "assetIds": [photo, video]}]}

    library = await client.post("/api/download/info", json={"userId": admin.user_id}, headers=admin.headers)
    assert library.json() == by_ids.json()

    missing = await client.post("/api/download/info", json={}, headers=admin.headers)
    assert missing.status_code == 400
    assert missing.json() == {"message": "assetIds, albumId, or userId is required"}


async def test_info_refuses_another_users_library(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    response = await client.post("/api/download/info", json={"userId": other.user_id}, headers=admin.headers)
    assert response.status_code == 400
    assert response.json() == {"message": "Not found or no timeline.download access"}


async def test_archive_streams_a_zip_of_the_originals(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    contents = [os.urandom(5000), os.urandom(1234), os.urandom(77)]
    names = ["IMG_1.jpg", "IMG_1.jpg", "Été/../x.mov"]
    ids = [await upload(client, admin, name, content) for name, content in zip(names, contents, strict=True)]

    response = await client.post(
        "/api/download/archive", json={"assetIds": ids, "archiveName": "holiday"}, headers=admin.headers
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == "attachment; filename*=UTF-8''holiday.zip"
    assert response.headers["content-length"] == str(len(response.content))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        entries = archive.infolist()
        assert [entry.filename for entry in entries] == [
            "IMG_1.jpg",
            "IMG_1+1.jpg",
            "Été..x.mov",
        ]  # no path survives
        assert {entry.compress_type for entry in entries} == {zipfile.ZIP_STORED}
        digests = [hashlib.sha1(archive.read(entry)).hexdigest() for entry in entries]
    assert digests == [hashlib.sha1(content).hexdigest() for content in contents]


async def test_info_of_a_shared_album_lets_members_download_it(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    member = await create_user(client, admin, "member@albumen.test")
    stranger = await create_user(client, admin, "stranger@albumen.test")
    asset_id = await upload(client, admin, "a.jpg", os.urandom(500))
    album = await client.post(
        "/api/albums",
        json={
            "albumName": "Trip",
            "assetIds": [asset_id],
            "albumUsers": [{"userId": member.user_id, "role": "viewer"}],
        },
        headers=admin.headers,
    )
    assert album.status_code == 201, album.text
    album_id = album.json()["id"]

    response = await client.post("/api/download/info", json={"albumId": album_id}, headers=member.headers)
    assert response.json() == {"totalSize": 500, "archives": [{"size": 500, "assetIds": [asset_id]}]}
    archive = await client.post(
        "/api/download/archive", json={"assetIds": [asset_id]}, headers=member.headers
    )
    assert archive.status_code == 200
    refused = await client.post("/api/download/info", json={"albumId": album_id}, headers=stranger.headers)
    assert refused.json() == {"message": "Not found or no album.download access"}
