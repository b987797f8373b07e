"""Asset files (3.2.2): an asset's derived files listed, read, downloaded and deleted by its owner."""

from __future__ import annotations

import httpx

from albumen.config import Settings
from albumen.db.engine import Database
from tests.api.asset_support import add_file, upload
from tests.dto_shapes import assert_shape
from tests.helpers import create_user, sign_up_admin


async def test_list_get_download_and_delete(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    asset_id = await upload(client, admin)
    thumbnail = await add_file(database, settings, asset_id, "thumbnail", b"thumb-bytes", ".webp")
    await add_file(database, settings, asset_id, "preview", b"preview-bytes", ".jpeg")

    listed = await client.get(f"/api/asset-files?assetId={asset_id}", headers=admin.headers)
    assert listed.status_code == 200
    assert_shape(listed.json(), "AssetFileResponseDto[]")
    assert sorted(file["type"] for file in listed.json()) == ["preview", "thumbnail"]
    previews = await client.get(f"/api/asset-files?assetId={asset_id}&type=preview", headers=admin.headers)
    assert [file["type"] for file in previews.json()] == ["preview"]
    edited = await client.get(f"/api/asset-files?assetId={asset_id}&isEdited=true", headers=admin.headers)
    assert edited.json() == []

    file = next(item for item in listed.json() if item["type"] == "thumbnail")
    fetched = await client.get(f"/api/asset-files/{file['id']}", headers=admin.headers)
    assert fetched.json() == file
    assert (file["isEdited"], file["isProgressive"], file["isTransparent"]) == (False, False, False)
    downloaded = await client.get(f"/api/asset-files/{file['id']}/download", headers=admin.headers)
    assert (downloaded.status_code, downloaded.content) == (200, b"thumb-bytes")
    assert downloaded.headers["content-type"] == "image/webp"

    deleted = await client.delete(f"/api/asset-files/{file['id']}", headers=admin.headers)
    assert deleted.status_code == 204
    assert not thumbnail.exists()
    gone = await client.get(f"/api/asset-files/{file['id']}", headers=admin.headers)
    assert gone.json() == {"message": "Not found or no assetFile.read access"}


async def test_sidecars_stay_and_other_users_are_refused(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    asset_id = await upload(client, admin)
    await add_file(database, settings, asset_id, "sidecar", b"<xmp/>", ".xmp")
    sidecar = (await client.get(f"/api/asset-files?assetId={asset_id}", headers=admin.headers)).json()[0]

    refused = await client.delete(f"/api/asset-files/{sidecar['id']}", headers=admin.headers)
    assert refused.json() == {"message": "Sidecar files cannot be deleted"}
    for method, suffix, permission in [
        ("GET", "", "assetFile.read"),
        ("GET", "/download", "assetFile.download"),
        ("DELETE", "", "assetFile.delete"),
    ]:
        response = await client.request(
            method, f"/api/asset-files/{sidecar['id']}{suffix}", headers=other.headers
        )
        assert response.status_code == 400
        assert response.json() == {"message": f"Not found or no {permission} access"}
