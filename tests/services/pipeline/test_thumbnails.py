"""AssetGenerateThumbnails: every format decodes to Immich's files, upright; bad files fail once, cleanly."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageChops, ImageStat

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.services.system_config import update_config
from tests.helpers import run_jobs, sign_up_admin
from tests.services.pipeline.support import (
    ASSETS,
    VIDEOS,
    asset_info,
    derived_files,
    job_status,
    jobs_named,
    media_file,
    upload,
    upload_and_process,
)

FORMATS = [
    "formats/jpg/el_torcal_rocks.jpg",
    "formats/heic/IMG_2682.heic",
    "formats/avif/8bit-sRGB.avif",
    "formats/avif/10bit-HDR-P3-nclx.avif",
    "formats/jxl/8bit-sRGB.jxl",
    "formats/jxl/16bit-HDR-P3-nclx.jxl",
    "formats/png/density_plot.png",
    "formats/webp/denali.webp",
]


def _open(settings: Settings, key: str) -> Image.Image:
    image = Image.open(media_file(settings, key))
    image.load()
    return image


async def test_every_format_gets_a_webp_thumbnail_a_jpeg_preview_and_a_thumbhash(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    ids = await upload_and_process(client, database, settings, admin, [ASSETS / name for name in FORMATS])
    for name, asset_id in zip(FORMATS, ids, strict=True):
        files = await derived_files(database, asset_id)
        folder = f"thumbs/{admin.user_id}/{asset_id[:2]}/{asset_id[2:4]}"
        assert files == {
            "thumbnail": f"{folder}/{asset_id}-thumbnail.webp",
            "preview": f"{folder}/{asset_id}-preview.jpeg",
        }, name
        thumbnail, preview = _open(settings, files["thumbnail"]), _open(settings, files["preview"])
        assert (thumbnail.format, preview.format) == ("WEBP", "JPEG"), name
        body = await asset_info(client, admin, asset_id)
        short_side = min(body["width"], body["height"])
        assert min(thumbnail.size) == min(250, short_side), name
        assert min(preview.size) == min(1440, short_side), name
        # Same aspect as the upright original.
        assert abs(preview.width / preview.height - body["width"] / body["height"]) < 0.01, name
        assert body["thumbhash"], name
        assert (await job_status(database, asset_id)).failed_step is None


async def test_exif_orientation_is_applied(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    """The same portrait stored upright and stored sideways with Orientation 6 look the same."""
    admin = await sign_up_admin(client)
    sideways, upright = await upload_and_process(
        client,
        database,
        settings,
        admin,
        [ASSETS / "metadata/faces/portrait-orientation-6.jpg", ASSETS / "metadata/faces/portrait.jpg"],
    )
    rotated = _open(settings, (await derived_files(database, sideways))["preview"]).convert("L")
    reference = _open(settings, (await derived_files(database, upright))["preview"]).convert("L")
    assert rotated.size == reference.size == (840, 700)
    difference = ImageStat.Stat(ImageChops.difference(rotated, reference)).mean[0]
    wrong_way = ImageStat.Stat(ImageChops.difference(rotated.rotate(180), reference)).mean[0]
    assert difference < 10 < wrong_way


async def test_a_fullsize_jpeg_only_for_formats_browsers_cannot_show_when_enabled(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    async with database.session() as db:
        await update_config(db, settings, {"image": {"fullsize": {"enabled": True}}})
    heic, jpeg = await upload_and_process(
        client,
        database,
        settings,
        admin,
        [ASSETS / "formats/heic/IMG_2682.heic", ASSETS / "formats/jpg/el_torcal_rocks.jpg"],
    )
    fullsize = (await derived_files(database, heic))["fullsize"]
    assert fullsize.endswith(f"{heic}-fullsize.jpeg")
    assert _open(settings, fullsize).size == (4032, 3024)
    assert "fullsize" not in await derived_files(database, jpeg)


def _broken_files(tmp_path: Path) -> list[Path]:
    photo = (ASSETS / "albums/nature/tanners_ridge.jpg").read_bytes()
    files = {
        "zero-byte.jpg": b"",
        "truncated.jpg": photo[: len(photo) // 3],
        "noise.heic": uuid.uuid4().bytes * 512,
        "video-named-photo.jpg": (VIDEOS / "vp9.webm").read_bytes(),
        "noise.mp4": b"\x00\x00\x00\x18ftypmp42" + uuid.uuid4().bytes * 256,
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return [tmp_path / name for name in files]


async def test_undecodable_files_become_assets_with_a_failed_state_and_no_retries(
    client: httpx.AsyncClient, database: Database, settings: Settings, tmp_path: Path
) -> None:
    admin = await sign_up_admin(client)
    broken = _broken_files(tmp_path)
    ids = [await upload(client, admin, path) for path in broken]
    good = await upload(client, admin, ASSETS / "albums/nature/silver_fir.jpg")
    await run_jobs(database, settings)

    for path, asset_id in zip(broken, ids, strict=True):
        body = await asset_info(client, admin, asset_id)
        assert body["thumbhash"] is None, path.name
        assert await derived_files(database, asset_id) == {}, path.name
        status = await job_status(database, asset_id)
        assert status.metadata_extracted_at is not None, path.name
        assert (status.failed_step, status.thumbnail_generated_at) == ("thumbnail", None), path.name
        assert status.failure_reason, path.name
    thumbnail_jobs = await jobs_named(database, "AssetGenerateThumbnails")
    assert {(job.status, job.attempts) for job in thumbnail_jobs} == {("completed", 1)}
    assert len(thumbnail_jobs) == len(ids) + 1
    assert (await asset_info(client, admin, good))["thumbhash"]


@pytest.mark.parametrize("name", ["regenerate-thumbnail"])
async def test_regenerating_replaces_the_files_after_a_format_change(
    client: httpx.AsyncClient, database: Database, settings: Settings, name: str
) -> None:
    admin = await sign_up_admin(client)
    [asset_id] = await upload_and_process(
        client, database, settings, admin, [ASSETS / "albums/nature/silver_fir.jpg"]
    )
    old = (await derived_files(database, asset_id))["thumbnail"]
    async with database.session() as db:
        await update_config(db, settings, {"image": {"thumbnail": {"format": "jpeg"}}})
    response = await client.post(
        "/api/assets/jobs", json={"assetIds": [asset_id], "name": name}, headers=admin.headers
    )
    assert response.status_code == 204
    await run_jobs(database, settings)
    new = (await derived_files(database, asset_id))["thumbnail"]
    assert new.endswith("-thumbnail.jpeg") and _open(settings, new).format == "JPEG"
    assert not media_file(settings, old).exists()
