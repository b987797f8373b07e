"""Videos: a poster frame for the thumbnails, the duration, and an encoded MP4 when the policy asks."""

from __future__ import annotations

import json
import subprocess

import httpx

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.services.system_config import update_config
from tests.helpers import run_jobs, sign_up_admin
from tests.services.pipeline.support import (
    VIDEOS,
    asset_info,
    asset_row,
    derived_files,
    job_status,
    media_file,
    upload_and_process,
)

#: file -> (duration ms, whether Immich's default policy, "required", transcodes it)
CLIPS = {
    "h264-aac-gps.mp4": (3000, False),
    "hevc-rotated.mov": (2000, True),
    "vp9.webm": (2000, True),
    "legacy-mpeg4.avi": (4000, True),
}


def _streams(path: str) -> list[dict[str, object]]:
    probed = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", path],
        capture_output=True,
        check=True,
    )
    streams: list[dict[str, object]] = json.loads(probed.stdout)["streams"]
    return streams


async def test_each_video_gets_a_poster_a_duration_and_an_encoded_video_when_required(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    ids = await upload_and_process(client, database, settings, admin, [VIDEOS / name for name in CLIPS])
    for (name, (duration, transcoded)), asset_id in zip(CLIPS.items(), ids, strict=True):
        body = await asset_info(client, admin, asset_id)
        assert abs(body["duration"] - duration) <= 100, name
        assert body["thumbhash"], name
        files = await derived_files(database, asset_id)
        assert {"thumbnail", "preview"} <= set(files), name
        assert media_file(settings, files["preview"]).stat().st_size > 0
        row = await asset_row(database, asset_id)
        status = await job_status(database, asset_id)
        assert status.video_encoded_at is not None and status.failed_step is None, name
        if not transcoded:
            assert row.encoded_video_path is None and "encoded_video" not in files, name
            continue
        folder = f"encoded-video/{admin.user_id}/{asset_id[:2]}/{asset_id[2:4]}"
        assert row.encoded_video_path == files["encoded_video"] == f"{folder}/{asset_id}.mp4", name
        streams = _streams(str(media_file(settings, row.encoded_video_path)))
        video = next(stream for stream in streams if stream["codec_type"] == "video")
        assert video["codec_name"] == "h264", name
        assert min(int(str(video["width"])), int(str(video["height"]))) <= 720, name

    rotated = await asset_info(client, admin, ids[1])
    assert (rotated["width"], rotated["height"]) == (720, 1280)
    paris = (await asset_info(client, admin, ids[0]))["exifInfo"]
    assert paris["country"] == "France"


async def test_policy_disabled_encodes_nothing_and_drops_an_old_encoding(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    [asset_id] = await upload_and_process(client, database, settings, admin, [VIDEOS / "vp9.webm"])
    encoded = (await asset_row(database, asset_id)).encoded_video_path
    assert encoded is not None
    async with database.session() as db:
        await update_config(db, settings, {"ffmpeg": {"transcode": "disabled"}})
    response = await client.post(
        "/api/assets/jobs", json={"assetIds": [asset_id], "name": "transcode-video"}, headers=admin.headers
    )
    assert response.status_code == 204
    await run_jobs(database, settings)
    assert (await asset_row(database, asset_id)).encoded_video_path is None
    assert "encoded_video" not in await derived_files(database, asset_id)
    assert not media_file(settings, encoded).exists()
