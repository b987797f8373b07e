"""Originals, thumbnails and video as the apps fetch them: Range/206, ETag/304, names, Immich's fallbacks."""

from __future__ import annotations

import hashlib
import io
import os
from urllib.parse import quote

import httpx
from PIL import Image

from albumen.config import Settings
from albumen.db.engine import Database
from tests.api.asset_support import add_file, upload
from tests.conftest import TESTDATA
from tests.helpers import run_jobs, sign_up_admin

BODY = os.urandom(2048)
CACHE = "private, max-age=86400, no-transform"


async def test_original_is_sent_whole_with_its_name_type_and_checksum_etag(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    name = "Été à Zürich 東京.jpg"
    asset_id = await upload(client, admin, name, BODY)

    response = await client.get(f"/api/assets/{asset_id}/original", headers=admin.headers)

    assert response.status_code == 200
    assert response.content == BODY
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["content-length"] == str(len(BODY))
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["cache-control"] == CACHE
    assert response.headers["etag"] == f'"{hashlib.sha1(BODY).hexdigest()}"'
    assert response.headers["content-disposition"] == (
        "inline; filename*=UTF-8''%C3%89t%C3%A9%20%C3%A0%20Z%C3%BCrich%20%E6%9D%B1%E4%BA%AC.jpg"
    )
    assert response.headers["content-disposition"].endswith(quote(name))


async def test_original_answers_byte_ranges(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin, "photo.jpg", BODY)
    url = f"/api/assets/{asset_id}/original"

    cases = {
        "bytes=0-99": (0, 100),
        "bytes=100-": (100, 2048),
        "bytes=-100": (1948, 2048),
        "bytes=2000-9999": (2000, 2048),
    }
    for header, (start, end) in cases.items():
        response = await client.get(url, headers={**admin.headers, "Range": header})
        assert response.status_code == 206, header
        assert response.content == BODY[start:end], header
        assert response.headers["content-range"] == f"bytes {start}-{end - 1}/2048", header
        assert response.headers["content-length"] == str(end - start), header

    unsatisfiable = await client.get(url, headers={**admin.headers, "Range": "bytes=4096-"})
    assert unsatisfiable.status_code == 416
    assert unsatisfiable.headers["content-range"] == "bytes */2048"


async def test_original_etag_gives_304_and_if_range_guards_partial_reads(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin, "photo.jpg", BODY)
    url = f"/api/assets/{asset_id}/original"
    etag = (await client.get(url, headers=admin.headers)).headers["etag"]

    cached = await client.get(url, headers={**admin.headers, "If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached.headers["etag"] == etag
    other = await client.get(url, headers={**admin.headers, "If-None-Match": '"something-else"'})
    assert other.status_code == 200

    same = await client.get(url, headers={**admin.headers, "Range": "bytes=0-9", "If-Range": etag})
    assert (same.status_code, same.content) == (206, BODY[:10])
    changed = await client.get(url, headers={**admin.headers, "Range": "bytes=0-9", "If-Range": '"old"'})
    assert (changed.status_code, changed.content) == (200, BODY)


async def test_original_accepts_edited(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin, "photo.jpg", BODY)
    response = await client.get(f"/api/assets/{asset_id}/original?edited=true", headers=admin.headers)
    assert (response.status_code, response.content) == (200, BODY)


async def test_thumbnail_is_404_until_generated(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin, "photo.jpg")
    for size in ("thumbnail", "preview"):
        response = await client.get(f"/api/assets/{asset_id}/thumbnail?size={size}", headers=admin.headers)
        assert response.status_code == 404
        assert response.json() == {"message": "Asset media not found"}


async def test_thumbnail_sizes_serve_their_files(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin, "IMG_0001.heic")
    await add_file(database, settings, asset_id, "thumbnail", b"webp-thumbnail", ".webp")
    await add_file(database, settings, asset_id, "preview", b"jpeg-preview", ".jpeg")
    url = f"/api/assets/{asset_id}/thumbnail"

    default = await client.get(url, headers=admin.headers)
    small = await client.get(
        f"{url}?size=thumbnail&c=3bcSDYIXd4dweHBnh4Z4iHaQaA&edited=true", headers=admin.headers
    )
    preview = await client.get(f"{url}?size=preview", headers=admin.headers)

    assert default.content == small.content == b"webp-thumbnail"
    assert small.headers["content-type"] == "image/webp"
    assert small.headers["cache-control"] == CACHE
    assert small.headers["content-disposition"] == "inline; filename*=UTF-8''IMG_0001_thumbnail.webp"
    assert preview.content == b"jpeg-preview"
    assert preview.headers["content-type"] == "image/jpeg"
    assert preview.headers["content-disposition"] == "inline; filename*=UTF-8''IMG_0001_preview.jpeg"
    cached = await client.get(url, headers={**admin.headers, "If-None-Match": small.headers["etag"]})
    assert cached.status_code == 304

    # No fullsize file for a HEIC: Immich sends the client to the preview.
    fullsize = await client.get(f"{url}?size=fullsize&c=abc", headers=admin.headers)
    assert fullsize.status_code == 302
    assert fullsize.headers["location"] == f"/api/assets/{asset_id}/thumbnail?c=abc&size=preview"
    await add_file(database, settings, asset_id, "fullsize", b"jpeg-fullsize", ".jpeg")
    fullsize = await client.get(f"{url}?size=fullsize", headers=admin.headers)
    assert (fullsize.status_code, fullsize.content) == (200, b"jpeg-fullsize")


async def test_thumbnail_falls_back_to_the_preview(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin, "photo.jpg")
    await add_file(database, settings, asset_id, "preview", b"jpeg-preview", ".jpeg")
    response = await client.get(f"/api/assets/{asset_id}/thumbnail?size=thumbnail", headers=admin.headers)
    assert (response.status_code, response.content) == (200, b"jpeg-preview")


async def test_fullsize_and_original_sizes_of_web_images_redirect_to_the_original(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin, "photo.jpg", BODY)
    await add_file(database, settings, asset_id, "preview", b"jpeg-preview", ".jpeg")
    for size in ("fullsize", "original"):
        response = await client.get(
            f"/api/assets/{asset_id}/thumbnail?size={size}&c=x", headers=admin.headers
        )
        assert response.status_code == 302
        assert response.headers["location"] == f"/api/assets/{asset_id}/original?c=x"
        followed = await client.get(response.headers["location"], headers=admin.headers)
        assert followed.content == BODY

    invalid = await client.get(f"/api/assets/{asset_id}/thumbnail?size=huge", headers=admin.headers)
    assert invalid.status_code == 400
    assert invalid.json()["message"] == "Validation failed"


async def test_playback_streams_the_original_or_the_encoded_video_with_ranges(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    video = os.urandom(4096)
    asset_id = await upload(client, admin, "clip.mov", video)
    url = f"/api/assets/{asset_id}/video/playback"

    whole = await client.get(url, headers=admin.headers)
    assert (whole.status_code, whole.content) == (200, video)
    assert whole.headers["content-type"] == "video/quicktime"
    part = await client.get(url, headers={**admin.headers, "Range": "bytes=0-1"})
    assert (part.status_code, part.content) == (206, video[:2])
    assert part.headers["content-range"] == "bytes 0-1/4096"

    encoded = os.urandom(1000)
    await add_file(database, settings, asset_id, "encoded_video", encoded, ".mp4")
    transcoded = await client.get(url, headers={**admin.headers, "Range": "bytes=500-"})
    assert (transcoded.status_code, transcoded.content) == (206, encoded[500:])
    assert transcoded.headers["content-type"] == "video/mp4"
    assert transcoded.headers["content-range"] == "bytes 500-999/1000"


async def test_playback_of_a_photo_is_refused(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin, "photo.jpg")
    response = await client.get(f"/api/assets/{asset_id}/video/playback", headers=admin.headers)
    assert response.status_code == 400
    assert response.json() == {"message": "Asset is not a video"}


async def test_head_describes_the_original_without_a_body(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin, "photo.jpg", BODY)
    response = await client.head(f"/api/assets/{asset_id}/original", headers=admin.headers)
    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["content-length"] == str(len(BODY))
    assert response.headers["etag"] == f'"{hashlib.sha1(BODY).hexdigest()}"'


async def test_thumbnails_made_by_the_pipeline_are_served(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    photo = TESTDATA / "immich-test-assets" / "albums" / "nature" / "prairie_falcon.jpg"
    asset_id = await upload(client, admin, photo.name, photo.read_bytes())

    await run_jobs(database, settings)

    url = f"/api/assets/{asset_id}/thumbnail"
    thumbnail = await client.get(f"{url}?size=thumbnail", headers=admin.headers)
    preview = await client.get(f"{url}?size=preview", headers=admin.headers)
    assert (thumbnail.status_code, preview.status_code) == (200, 200)
    assert thumbnail.headers["content-type"] == "image/webp"
    assert thumbnail.content[:4] == b"RIFF" and thumbnail.content[8:12] == b"WEBP"
    assert preview.headers["content-type"] == "image/jpeg"
    assert preview.content[:3] == b"\xff\xd8\xff"
    with Image.open(io.BytesIO(thumbnail.content)) as small, Image.open(io.BytesIO(preview.content)) as large:
        assert max(small.size) < max(large.size) <= 1440
