"""Integrity reports: a library is damaged on disk, the checks find each kind of damage, the admin
reads the reports and resolves them."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import httpx
from sqlalchemy import text

from albumen.config import Settings
from albumen.db.engine import Database
from tests.conftest import TESTDATA
from tests.helpers import LoggedIn, create_user, run_jobs, sign_up_admin, upload_asset

ASSETS = TESTDATA / "immich-test-assets"
PHOTOS = (
    ASSETS / "formats" / "jpg" / "el_torcal_rocks.jpg",
    ASSETS / "metadata" / "gps-position" / "thompson-springs.jpg",
    ASSETS / "metadata" / "rating" / "mongolels.jpg",
)


async def run_manual_jobs(
    client: httpx.AsyncClient, admin: LoggedIn, database: Database, settings: Settings, *names: str
) -> None:
    for name in names:
        response = await client.post("/api/jobs", json={"name": name}, headers=admin.headers)
        assert response.status_code == 204, response.text
    await run_jobs(database, settings)


async def summary(client: httpx.AsyncClient, admin: LoggedIn) -> dict[str, int]:
    response = await client.get("/api/admin/integrity/summary", headers=admin.headers)
    assert response.status_code == 200
    result: dict[str, int] = response.json()
    return result


async def reports(client: httpx.AsyncClient, admin: LoggedIn, kind: str) -> list[dict[str, str]]:
    response = await client.get("/api/admin/integrity/report", params={"type": kind}, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert "nextCursor" not in response.json()
    items: list[dict[str, str]] = response.json()["items"]
    return items


async def damaged_library(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> tuple[LoggedIn, dict[str, str], dict[str, Path]]:
    """Three uploaded photos, processed; then one original deleted, one altered, one thumbnail deleted,
    and two files nobody knows left in the media folders."""
    admin = await sign_up_admin(client)
    ids = {}
    for photo in PHOTOS:
        response = await upload_asset(client, admin, photo)
        assert response.status_code == 201, response.text
        ids[photo.stem] = response.json()["id"]
    await run_jobs(database, settings)
    async with database.session() as session:
        originals = dict((await session.execute(text("SELECT id::text, original_path FROM asset"))).all())
        thumbnail = (
            await session.execute(
                text("SELECT path FROM asset_file WHERE asset_id = :id ORDER BY type LIMIT 1"),
                {"id": ids["mongolels"]},
            )
        ).scalar_one()
    root = settings.media_root
    files = {
        "deleted": root / originals[ids["el_torcal_rocks"]],
        "altered": root / originals[ids["thompson-springs"]],
        "thumbnail": root / thumbnail,
        "stray_upload": root / "upload" / admin.user_id / "aa" / "bb" / "stray.jpg",
        "stray_thumb": root / "thumbs" / "stray.webp",
    }
    files["deleted"].unlink()
    shutil.copy(files["altered"], root / "altered.bak")
    files["altered"].write_bytes(files["altered"].read_bytes() + b"bit rot")
    files["thumbnail"].unlink()
    for stray in (files["stray_upload"], files["stray_thumb"]):
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_bytes(b"nobody's file")
    return admin, ids, files


async def test_the_checks_find_every_kind_of_damage(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin, _, files = await damaged_library(client, database, settings)
    assert await summary(client, admin) == {"checksum_mismatch": 0, "missing_file": 0, "untracked_file": 0}
    await run_manual_jobs(
        client,
        admin,
        database,
        settings,
        "integrity-missing-files",
        "integrity-untracked-files",
        "integrity-checksum-mismatch",
    )
    assert await summary(client, admin) == {"checksum_mismatch": 1, "missing_file": 2, "untracked_file": 2}
    root = settings.media_root
    relative = {name: path.relative_to(root).as_posix() for name, path in files.items()}
    assert {item["path"] for item in await reports(client, admin, "missing_file")} == {
        relative["deleted"],
        relative["thumbnail"],
    }
    assert {item["path"] for item in await reports(client, admin, "untracked_file")} == {
        relative["stray_upload"],
        relative["stray_thumb"],
    }
    mismatch = await reports(client, admin, "checksum_mismatch")
    assert [(item["type"], item["path"]) for item in mismatch] == [("checksum_mismatch", relative["altered"])]

    # Running the checks again reports nothing twice.
    await run_manual_jobs(
        client, admin, database, settings, "integrity-missing-files", "integrity-untracked-files"
    )
    assert await summary(client, admin) == {"checksum_mismatch": 1, "missing_file": 2, "untracked_file": 2}


async def test_reports_page_with_a_cursor_and_export_as_csv(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin, _, _ = await damaged_library(client, database, settings)
    await run_manual_jobs(client, admin, database, settings, "integrity-untracked-files")
    first = await client.get(
        "/api/admin/integrity/report", params={"type": "untracked_file", "limit": 1}, headers=admin.headers
    )
    body = first.json()
    assert len(body["items"]) == 1 and body["nextCursor"] == body["items"][0]["id"]
    second = await client.get(
        "/api/admin/integrity/report",
        params={"type": "untracked_file", "limit": 1, "cursor": body["nextCursor"]},
        headers=admin.headers,
    )
    assert len(second.json()["items"]) == 1 and "nextCursor" not in second.json()
    assert second.json()["items"][0]["id"] != body["items"][0]["id"]

    exported = await client.get("/api/admin/integrity/report/untracked_file/csv", headers=admin.headers)
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["id", "type", "assetId", "fileAssetId", "path"]
    assert sorted(row[4] for row in rows[1:]) == sorted(
        item["path"] for item in [*body["items"], *second.json()["items"]]
    )

    invalid = await client.get("/api/admin/integrity/report", params={"type": "lost"}, headers=admin.headers)
    assert invalid.status_code == 400
    assert (await client.get("/api/admin/integrity/report", headers=admin.headers)).status_code == 400


async def test_resolving_reports(client: httpx.AsyncClient, database: Database, settings: Settings) -> None:
    admin, ids, files = await damaged_library(client, database, settings)
    await run_manual_jobs(
        client, admin, database, settings, "integrity-missing-files", "integrity-untracked-files"
    )
    root = settings.media_root
    untracked = {item["path"]: item["id"] for item in await reports(client, admin, "untracked_file")}
    stray_id = untracked[files["stray_thumb"].relative_to(root).as_posix()]

    looked_at = await client.get(f"/api/admin/integrity/report/{stray_id}/file", headers=admin.headers)
    assert (looked_at.status_code, looked_at.content) == (200, b"nobody's file")
    resolved = await client.delete(f"/api/admin/integrity/report/{stray_id}", headers=admin.headers)
    assert resolved.status_code == 200
    assert not files["stray_thumb"].exists(), "an untracked file is deleted"

    missing = {item["path"]: item["id"] for item in await reports(client, admin, "missing_file")}
    original_report = missing[files["deleted"].relative_to(root).as_posix()]
    gone = await client.get(f"/api/admin/integrity/report/{original_report}/file", headers=admin.headers)
    assert gone.status_code == 404
    assert (
        await client.delete(f"/api/admin/integrity/report/{original_report}", headers=admin.headers)
    ).status_code == 200
    asset = await client.get(f"/api/assets/{ids['el_torcal_rocks']}", headers=admin.headers)
    assert asset.json()["isTrashed"] is True, "an asset whose original is gone goes to the trash"

    thumbnail_report = missing[files["thumbnail"].relative_to(root).as_posix()]
    assert (
        await client.delete(f"/api/admin/integrity/report/{thumbnail_report}", headers=admin.headers)
    ).status_code == 200
    async with database.session() as session:
        rows = (
            await session.execute(
                text("SELECT count(*) FROM asset_file WHERE path = :path"),
                {"path": files["thumbnail"].relative_to(root).as_posix()},
            )
        ).scalar_one()
    assert rows == 0, "a missing derived file's row is dropped so it is generated again"
    assert await summary(client, admin) == {"checksum_mismatch": 0, "missing_file": 0, "untracked_file": 1}
    unknown = await client.delete(f"/api/admin/integrity/report/{stray_id}", headers=admin.headers)
    assert unknown.status_code == 404


async def test_refresh_and_delete_all(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin, _, files = await damaged_library(client, database, settings)
    await run_manual_jobs(
        client, admin, database, settings, "integrity-checksum-mismatch", "integrity-untracked-files"
    )
    shutil.copy(settings.media_root / "altered.bak", files["altered"])
    files["stray_upload"].unlink()
    await run_manual_jobs(
        client,
        admin,
        database,
        settings,
        "integrity-checksum-mismatch-refresh",
        "integrity-untracked-files-refresh",
    )
    assert await summary(client, admin) == {"checksum_mismatch": 0, "missing_file": 0, "untracked_file": 1}
    await run_manual_jobs(client, admin, database, settings, "integrity-untracked-files-delete-all")
    assert await summary(client, admin) == {"checksum_mismatch": 0, "missing_file": 0, "untracked_file": 0}
    assert not files["stray_thumb"].exists()


async def test_reports_are_for_admins(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    response = await client.get("/api/admin/integrity/summary", headers=user.headers)
    assert (response.status_code, response.json()) == (403, {"message": "Forbidden"})
