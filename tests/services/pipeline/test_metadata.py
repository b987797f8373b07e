"""AssetExtractMetadata through the whole stack: upload via the API, a real worker, real exiftool."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import AssetExif, Tag, TagAsset, TagClosure, User
from albumen.dto.base import iso_timestamp
from albumen.media.metadata import extract_metadata
from albumen.storage.local import LocalStorage
from tests.helpers import UPLOAD_DATES, run_jobs, sign_up_admin
from tests.services.pipeline.support import (
    ASSETS,
    asset_info,
    asset_row,
    job_status,
    media_file,
    upload,
    upload_and_process,
)

PHOTOS = [
    "formats/heic/IMG_2682.heic",
    "formats/jpg/el_torcal_rocks.jpg",
    "metadata/gps-position/thompson-springs.jpg",
    "metadata/dates/date-priority-test.jpg",
    "metadata/rating/mongolels.jpg",
    "albums/nature/prairie_falcon.jpg",
    "metadata/faces/portrait-orientation-6.jpg",
]


UPLOADED_AT = datetime.fromisoformat(UPLOAD_DATES["fileCreatedAt"])


def _timestamp(value: Any) -> str | None:
    return None if value is None else iso_timestamp(value)


async def test_exif_info_is_what_exiftool_reads_from_each_photo(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    ids = await upload_and_process(client, database, settings, admin, [ASSETS / name for name in PHOTOS])
    for name, asset_id in zip(PHOTOS, ids, strict=True):
        expected = extract_metadata(ASSETS / name, file_created_at=UPLOADED_AT)
        body = await asset_info(client, admin, asset_id)
        exif = body["exifInfo"]
        assert exif["dateTimeOriginal"] == _timestamp(expected.date_time_original), name
        assert body["fileCreatedAt"] == _timestamp(expected.date_time_original), name
        assert body["localDateTime"] == _timestamp(expected.local_date_time), name
        assert exif["timeZone"] == expected.time_zone, name
        assert (exif["latitude"], exif["longitude"]) == (expected.latitude, expected.longitude), name
        assert (exif["city"], exif["state"], exif["country"]) == (
            expected.city,
            expected.state,
            expected.country,
        ), name
        assert (exif["make"], exif["model"], exif["lensModel"]) == (
            expected.make,
            expected.model,
            expected.lens_model,
        ), name
        assert (exif["fNumber"], exif["focalLength"], exif["iso"], exif["exposureTime"]) == (
            expected.f_number,
            expected.focal_length,
            expected.iso,
            expected.exposure_time,
        ), name
        assert (exif["exifImageWidth"], exif["exifImageHeight"]) == (
            expected.exif_image_width,
            expected.exif_image_height,
        ), name
        assert (exif["orientation"], exif["rating"], exif["description"]) == (
            expected.orientation,
            expected.rating,
            expected.description,
        ), name
        assert exif["fileSizeInByte"] == (ASSETS / name).stat().st_size
        assert (await job_status(database, asset_id)).metadata_extracted_at is not None

    heic = (await asset_info(client, admin, ids[0]))["exifInfo"]
    assert (heic["make"], heic["model"], heic["dateTimeOriginal"]) == (
        "Apple",
        "iPhone 7",
        "2019-03-21T16:04:22.348Z",
    )
    thompson = (await asset_info(client, admin, ids[2]))["exifInfo"]
    assert (thompson["city"], thompson["state"], thompson["country"]) == (
        "Thompson Springs",
        "Utah",
        "United States",
    )
    sideways = await asset_info(client, admin, ids[-1])
    assert (sideways["width"], sideways["height"]) == (840, 700)


async def test_keywords_and_hierarchical_subjects_become_the_owners_tags(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    falcon, frost = await upload_and_process(
        client,
        database,
        settings,
        admin,
        [ASSETS / "albums/nature/prairie_falcon.jpg", ASSETS / "metadata/tags/picasa.jpg"],
    )
    async with database.session() as db:
        tags = {tag.value: tag for tag in (await db.execute(select(Tag))).scalars()}
        links = set((await db.execute(select(TagAsset.tag_id, TagAsset.asset_id))).all())
        closure = set((await db.execute(select(TagClosure.id_ancestor, TagClosure.id_descendant))).all())
    parent, child = tags["Other Keywords"], tags["Other Keywords/SFAN"]
    assert child.parent_id == parent.id and parent.parent_id is None
    assert {(parent.id, child.id), (child.id, child.id), (parent.id, parent.id)} <= closure
    assert (child.id, uuid.UUID(falcon)) in links and (parent.id, uuid.UUID(falcon)) not in links
    assert {(tags["Frost"].id, uuid.UUID(frost)), (tags["Yard"].id, uuid.UUID(frost))} <= links
    assert {tag.user_id for tag in tags.values()} == {uuid.UUID(admin.user_id)}
    values = {tag["value"] for tag in (await asset_info(client, admin, frost))["tags"]}
    assert values == {"Frost", "Yard"}


async def test_a_sidecar_uploaded_with_the_photo_wins_for_dates(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    photo = ASSETS / "albums/nature/silver_fir.jpg"
    files = {
        "assetData": (photo.name, photo.read_bytes(), "image/jpeg"),
        "sidecarData": ("silver_fir.jpg.xmp", (ASSETS / "metadata/xmp/dates/2000.xmp").read_bytes(), "x"),
    }
    response = await client.post("/api/assets", data=UPLOAD_DATES, files=files, headers=admin.headers)
    assert response.status_code == 201, response.text
    await run_jobs(database, settings)
    body = await asset_info(client, admin, response.json()["id"])
    assert body["exifInfo"]["dateTimeOriginal"] == "2000-09-27T12:35:33.000Z"
    assert body["localDateTime"] == "2000-09-27T14:35:33.000Z"


def _video_with_content_identifier(path: Path, cid: str) -> Path:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=blue:s=64x64:d=0.5", "-c:v", "libx264",
         "-movflags", "use_metadata_tags", "-metadata", f"com.apple.quicktime.content.identifier={cid}",
         str(path)],
        check=True,
    )  # fmt: skip
    return path


def _photo_with_content_identifier(path: Path, cid: str) -> Path:
    """A JPEG carrying ContentIdentifier (in XMP: exiftool cannot write Apple's maker notes)."""
    packet = path.with_suffix(".xmp")
    packet.write_text(
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        "<rdf:Description rdf:about='' xmlns:apple='http://ns.apple.com/livephoto/1.0/'>"
        f"<apple:ContentIdentifier>{cid}</apple:ContentIdentifier></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    path.write_bytes((ASSETS / "albums/nature/wood_anemones.jpg").read_bytes())
    subprocess.run(["exiftool", "-q", "-overwrite_original", f"-xmp<={packet}", str(path)], check=True)
    return path


@pytest.mark.parametrize("still_first", [True, False])
async def test_a_live_photo_pair_is_linked_and_its_video_hidden(
    client: httpx.AsyncClient, database: Database, settings: Settings, tmp_path: Path, still_first: bool
) -> None:
    admin = await sign_up_admin(client)
    cid = str(uuid.uuid4()).upper()
    still_path = _photo_with_content_identifier(tmp_path / "IMG_0001.jpg", cid)
    video_path = _video_with_content_identifier(tmp_path / "IMG_0001.mov", cid)
    if still_first:
        still = await upload(client, admin, still_path)
        await run_jobs(database, settings)
        video = await upload(client, admin, video_path)
    else:
        video = await upload(client, admin, video_path)
        await run_jobs(database, settings)
        still = await upload(client, admin, still_path)
    other = await upload(client, admin, _video_with_content_identifier(tmp_path / "other.mov", "NOT-" + cid))
    await run_jobs(database, settings)

    still_body = await asset_info(client, admin, still)
    assert still_body["livePhotoVideoId"] == video
    assert (await asset_info(client, admin, video))["visibility"] == "hidden"
    assert (await asset_info(client, admin, other))["visibility"] == "timeline"


async def test_a_motion_photo_yields_a_hidden_linked_video(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    source = ASSETS / "formats/motionphoto/samsung-one-ui-6.heic"
    [still] = await upload_and_process(client, database, settings, admin, [source])
    body = await asset_info(client, admin, still)
    video_id = body["livePhotoVideoId"]
    assert video_id is not None
    video = await asset_info(client, admin, video_id)
    assert (video["type"], video["visibility"], video["originalFileName"]) == (
        "VIDEO",
        "hidden",
        "samsung-one-ui-6.mp4",
    )
    assert video["checksum"] == "/ejgzywvgvzvVhUYVfvkLzFBAF0="
    assert video["duration"] and video["exifInfo"]["dateTimeOriginal"]
    row = await asset_row(database, video_id)
    assert (
        row.original_path == f"encoded-video/{admin.user_id}/{video_id[:2]}/{video_id[2:4]}/{video_id}-MP.mp4"
    )
    extracted = media_file(settings, row.original_path).read_bytes()
    assert base64.b64encode(hashlib.sha1(extracted).digest()).decode() == video["checksum"]
    async with database.session() as db:
        usage = (await db.execute(select(User.quota_usage_in_bytes))).scalar_one()
    assert usage == source.stat().st_size + len(extracted)

    # Extracting again finds the same video by its checksum instead of making a second one.
    response = await client.post(
        "/api/assets/jobs", json={"assetIds": [still], "name": "refresh-metadata"}, headers=admin.headers
    )
    assert response.status_code == 204
    await run_jobs(database, settings)
    assert (await asset_info(client, admin, still))["livePhotoVideoId"] == video_id
    statistics = await client.get("/api/assets/statistics", headers=admin.headers)
    assert statistics.json()["total"] == 1


async def test_the_job_moves_a_committed_upload_still_in_staging_into_place(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    """The upload request commits, then renames; the metadata job may get there first."""
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin, ASSETS / "albums/nature/silver_fir.jpg")
    row = await asset_row(database, asset_id)
    original = media_file(settings, row.original_path)
    staged = LocalStorage(settings.media_root).staging_dir() / f"{asset_id}.part"
    original.rename(staged)
    await run_jobs(database, settings)
    assert original.exists() and not staged.exists()
    expected = extract_metadata(ASSETS / "albums/nature/silver_fir.jpg")
    exif = (await asset_info(client, admin, asset_id))["exifInfo"]
    assert (exif["exifImageWidth"], exif["make"]) == (expected.exif_image_width, expected.make)
    assert (await job_status(database, asset_id)).thumbnail_generated_at is not None


async def test_properties_the_user_edited_survive_a_metadata_refresh(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    [asset_id] = await upload_and_process(
        client, database, settings, admin, [ASSETS / "metadata/rating/mongolels.jpg"]
    )
    async with database.session() as db, db.begin():
        await db.execute(
            update(AssetExif)
            .where(AssetExif.asset_id == uuid.UUID(asset_id))
            .values(description="Mine", rating=5, locked_properties=["description", "rating"])
        )
    response = await client.post(
        "/api/assets/jobs", json={"assetIds": [asset_id], "name": "refresh-metadata"}, headers=admin.headers
    )
    assert response.status_code == 204
    await run_jobs(database, settings)
    exif = (await asset_info(client, admin, asset_id))["exifInfo"]
    assert (exif["description"], exif["rating"], exif["make"]) == (
        "Mine",
        5,
        extract_metadata(ASSETS / "metadata/rating/mongolels.jpg").make,
    )
