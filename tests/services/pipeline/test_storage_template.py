"""The storage template moves originals into ``library/`` safely, and its migration job moves them all."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select, update

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import Album, AlbumAsset, MoveHistory, User
from albumen.jobs import JobName, enqueue
from albumen.services.system_config import update_config
from tests.helpers import UPLOAD_DATES, LoggedIn, create_user, run_jobs, sign_up_admin
from tests.services.pipeline.support import (
    ASSETS,
    asset_info,
    asset_row,
    job_status,
    media_file,
    upload,
    upload_and_process,
)


async def _template(database: Database, settings: Settings, template: str, *, enabled: bool = True) -> None:
    async with database.session() as db:
        await update_config(db, settings, {"storageTemplate": {"enabled": enabled, "template": template}})


async def _original(database: Database, asset_id: str) -> str:
    return (await asset_row(database, asset_id)).original_path


async def test_uploads_are_moved_where_the_template_says_with_a_suffix_for_taken_names(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    await _template(database, settings, "{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}")
    first, second = [
        await upload(client, user, ASSETS / name, filename="IMG_0001.JPG")
        for name in ("formats/jpg/el_torcal_rocks.jpg", "metadata/rating/mongolels.jpg")
    ]
    await run_jobs(database, settings)
    root = f"library/{user.user_id}"
    first_key, second_key = await _original(database, first), await _original(database, second)
    assert first_key == f"{root}/2012/2012-08-05/IMG_0001.jpg"
    assert second_key.startswith(f"{root}/") and second_key.endswith("/IMG_0001.jpg")
    for asset_id, key in ((first, first_key), (second, second_key)):
        assert media_file(settings, key).is_file()
        body = await asset_info(client, user, asset_id)
        assert body["originalPath"] == key and body["originalFileName"] == "IMG_0001.JPG"
        assert body["thumbhash"]  # the chain went on to thumbnails after the move
    assert not list((settings.media_root / "upload" / user.user_id).rglob("*.jpg"))

    await _template(database, settings, "{{filename}}")
    third = await upload(client, user, ASSETS / "albums/nature/silver_fir.jpg", filename="IMG_0001.jpg")
    fourth = await upload(client, user, ASSETS / "albums/nature/wood_anemones.jpg", filename="IMG_0001.jpg")
    await run_jobs(database, settings)
    assert {await _original(database, third), await _original(database, fourth)} == {
        f"{root}/IMG_0001.jpg",
        f"{root}/IMG_0001+1.jpg",
    }


async def test_the_storage_label_the_album_and_the_sidecar(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    async with database.session() as db, db.begin():
        await db.execute(update(User).values(storage_label="alice"))
    await _template(database, settings, "{{#if album}}{{album}}{{else}}Other{{/if}}/{{filename}}")
    [loose] = await upload_and_process(
        client, database, settings, admin, [ASSETS / "albums/text/craft-beer.jpg"]
    )
    assert await _original(database, loose) == "library/alice/Other/craft-beer.jpg"

    photo = ASSETS / "albums/nature/silver_fir.jpg"
    files = {
        "assetData": (photo.name, photo.read_bytes(), "image/jpeg"),
        "sidecarData": ("x.xmp", (ASSETS / "metadata/xmp/dates/2010.xmp").read_bytes(), "x"),
    }
    response = await client.post("/api/assets", data=UPLOAD_DATES, files=files, headers=admin.headers)
    asset_id = response.json()["id"]
    async with database.session() as db, db.begin():
        album = Album(owner_id=uuid.UUID(admin.user_id), name="Trees & ../..Leaves")
        db.add(album)
        await db.flush()
        db.add(AlbumAsset(album_id=album.id, asset_id=uuid.UUID(asset_id)))
    await run_jobs(database, settings)
    row = await asset_row(database, asset_id)
    assert row.original_path == "library/alice/Trees &amp; Leaves/silver_fir.jpg"
    assert row.sidecar_path == f"{row.original_path}.xmp"
    assert (
        media_file(settings, row.original_path).is_file() and media_file(settings, row.sidecar_path).is_file()
    )


async def test_a_template_leaving_the_library_folder_moves_nothing(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    await _template(database, settings, "../../../{{filename}}")
    [asset_id] = await upload_and_process(
        client, database, settings, user, [ASSETS / "albums/text/craft-beer.jpg"]
    )
    key = await _original(database, asset_id)
    assert key.startswith(f"upload/{user.user_id}/") and media_file(settings, key).is_file()
    assert (await job_status(database, asset_id)).thumbnail_generated_at is not None
    assert not (settings.media_root.parent / "craft-beer.jpg").exists()


async def test_the_migration_job_moves_every_asset_and_prunes_empty_folders(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    names = ["albums/nature/silver_fir.jpg", "formats/jpg/el_torcal_rocks.jpg", "formats/heic/IMG_2682.heic"]
    ids = await upload_and_process(client, database, settings, user, [ASSETS / name for name in names])
    for asset_id in ids:
        assert (await _original(database, asset_id)).startswith("upload/")

    await _template(database, settings, "{{y}}/{{filetype}}-{{assetIdShort}}")
    await _start_migration(client, admin)
    await run_jobs(database, settings)
    for asset_id in ids:
        key = await _original(database, asset_id)
        assert key.startswith(f"library/{user.user_id}/") and f"/IMG-{asset_id[-12:]}." in key
        assert media_file(settings, key).is_file()

    await _template(database, settings, "flat/{{filename}}")
    await _start_migration(client, admin)
    await run_jobs(database, settings)
    library = settings.media_root / "library" / user.user_id
    assert sorted(path.name for path in library.iterdir()) == ["flat"]


async def _start_migration(client: httpx.AsyncClient, admin: LoggedIn) -> None:
    response = await client.put(
        "/api/jobs/storageTemplateMigration", json={"command": "start"}, headers=admin.headers
    )
    assert response.status_code == 200, response.text


async def test_a_move_interrupted_after_the_rename_is_finished_by_the_next_run(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    [asset_id] = await upload_and_process(
        client, database, settings, user, [ASSETS / "albums/text/craft-beer.jpg"]
    )
    old = await _original(database, asset_id)
    new = f"library/{user.user_id}/moved/craft-beer.jpg"
    media_file(settings, new).parent.mkdir(parents=True)
    media_file(settings, old).rename(media_file(settings, new))  # the crash came right after the rename
    async with database.session() as db, db.begin():
        db.add(MoveHistory(entity_id=uuid.UUID(asset_id), path_type="original", old_path=old, new_path=new))
        await enqueue(db, JobName.STORAGE_TEMPLATE_MIGRATION_SINGLE, {"id": asset_id})
    await _template(database, settings, "moved/{{filename}}")
    await run_jobs(database, settings)
    assert await _original(database, asset_id) == new
    async with database.session() as db:
        pending: list[Any] = list((await db.execute(select(MoveHistory))).scalars())
    assert pending == []
