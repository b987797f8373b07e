from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
from sqlalchemy import insert

from albumen.db.engine import Database
from albumen.db.tables import Asset
from albumen.services import server as server_service
from tests.dto_shapes import assert_shape
from tests.helpers import create_user, sign_up_admin

LICENSE = {"licenseKey": "IMSV-AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", "activationKey": "activation"}


async def test_ping_answers_pong_as_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/server/ping")
    assert response.status_code == 200
    assert response.json() == {"res": "pong"}
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-correlation-id"]


async def test_well_known_points_clients_at_the_api(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/immich")
    assert response.json() == {"api": {"endpoint": "/api"}}


async def test_version_reports_the_immich_release_clients_gate_on(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/server/version")
    assert response.status_code == 200
    assert response.json() == {"major": 3, "minor": 2, "patch": 2, "prerelease": None}
    assert_shape(response.json(), "ServerVersionResponseDto")


async def test_unknown_route_is_a_json_404_in_immich_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/does-not-exist", params={"whatever": "1"})
    assert response.status_code == 404
    assert response.json() == {"message": "Cannot GET /api/does-not-exist"}
    assert response.headers["content-type"].startswith("application/json")


async def test_version_history_records_the_first_start_of_a_version_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    assert (await client.get("/api/server/version-history")).json() == []
    async with database.session() as db:
        await server_service.record_version(db)
    async with database.session() as db:
        await server_service.record_version(db)
    response = await client.get("/api/server/version-history")
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "ServerVersionHistoryResponseDto[]")
    assert [entry["version"] for entry in body] == ["3.2.2"]
    assert body[0]["createdAt"].endswith("Z")


async def test_features_follow_the_default_config_without_auth(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/server/features")
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "ServerFeaturesDto")
    # No ML service answers at the default URL here: the features that need one read false.
    assert body == {
        "smartSearch": False,
        "facialRecognition": False,
        "duplicateDetection": True,
        "ocr": False,
        "map": True,
        "reverseGeocoding": True,
        "importFaces": False,
        "sidecar": True,
        "search": True,
        "trash": True,
        "oauth": False,
        "oauthAutoLaunch": False,
        "passwordLogin": True,
        "configFile": False,
        "email": False,
        "realtimeTranscoding": False,
    }


async def test_features_follow_config_changes(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    changes = {"machineLearning": {"clip": {"enabled": False}}, "trash": {"enabled": False}}
    assert (await client.put("/api/admin/config", json=changes, headers=admin.headers)).status_code == 200
    body = (await client.get("/api/server/features")).json()
    assert (body["smartSearch"], body["duplicateDetection"], body["trash"]) == (False, False, False)
    assert body["map"] is True


async def test_server_config_reports_setup_state_and_config_values(client: httpx.AsyncClient) -> None:
    before = (await client.get("/api/server/config")).json()
    assert_shape(before, "ServerConfigDto")
    assert before == {
        "loginPageMessage": "",
        "trashDays": 30,
        "userDeleteDelay": 7,
        "oauthButtonText": "Login with OAuth",
        "oauthAccountManagementUrl": "",
        "isInitialized": False,
        "isOnboarded": False,
        "externalDomain": "",
        "publicUsers": True,
        "mapDarkStyleUrl": "https://tiles.immich.cloud/v1/style/dark.json",
        "mapLightStyleUrl": "https://tiles.immich.cloud/v1/style/light.json",
        "maintenanceMode": False,
        "minFaces": 3,
    }
    admin = await sign_up_admin(client)
    changes = {"server": {"loginPageMessage": "Welcome"}, "trash": {"days": 12}}
    assert (await client.put("/api/admin/config", json=changes, headers=admin.headers)).status_code == 200
    after = (await client.get("/api/server/config")).json()
    assert (after["isInitialized"], after["loginPageMessage"], after["trashDays"]) == (True, "Welcome", 12)


async def test_media_types_list_extensions_with_a_leading_dot(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/server/media-types")
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "ServerMediaTypesResponseDto")
    assert {
        ".jpg",
        ".jpeg",
        ".png",
        ".webp",
        ".heic",
        ".heif",
        ".avif",
        ".jxl",
        ".gif",
        ".tiff",
        ".dng",
    } <= set(body["image"])
    assert {".cr2", ".nef", ".arw", ".raf"} <= set(body["image"])
    assert {".mp4", ".mov", ".webm", ".avi", ".mkv", ".3gp", ".m2ts"} <= set(body["video"])
    assert body["sidecar"] == [".xmp"]
    everything = body["image"] + body["video"]
    assert all(extension.startswith(".") and extension == extension.lower() for extension in everything)
    assert len(everything) == len(set(everything))


async def test_about_needs_auth_and_tells_the_truth_about_the_build(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/server/about")).status_code == 401
    admin = await sign_up_admin(client)
    response = await client.get("/api/server/about", headers=admin.headers)
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "ServerAboutResponseDto")
    assert body["version"] == "v3.2.2"
    assert body["versionUrl"] == "https://github.com/immich-app/immich/releases/tag/v3.2.2"
    assert body["licensed"] is False
    assert "Albumen" in body["build"] and "Python" in body["build"]
    assert "nodejs" not in body
    assert None not in body.values()


async def test_apk_links_point_at_the_immich_release(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    body = (await client.get("/api/server/apk-links", headers=admin.headers)).json()
    assert_shape(body, "ServerApkLinksDto")
    assert all(
        url.startswith("https://github.com/immich-app/immich/releases/download/v3.2.2/")
        for url in body.values()
    )


async def test_storage_reports_the_media_disk(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/server/storage")).status_code == 401
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    response = await client.get("/api/server/storage", headers=user.headers)
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "ServerStorageResponseDto")
    assert body["diskSizeRaw"] > 0
    assert body["diskUseRaw"] + body["diskAvailableRaw"] <= body["diskSizeRaw"]
    assert body["diskUsagePercentage"] == round(body["diskUseRaw"] / body["diskSizeRaw"] * 100, 2)
    assert body["diskSize"].split(" ")[1] in {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}


async def test_statistics_are_admin_only_and_sum_assets_per_user(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    assert (await client.get("/api/server/statistics", headers=user.headers)).status_code == 403

    now = datetime.now(UTC)

    def asset(kind: str, size: int, **extra: object) -> dict[str, object]:
        return {
            "owner_id": uuid.UUID(user.user_id),
            "type": kind,
            "original_path": f"/media/{uuid.uuid4()}",
            "original_file_name": "file",
            "checksum": uuid.uuid4().bytes,
            "file_size": size,
            "file_created_at": now,
            "file_modified_at": now,
            "local_date_time": now,
            **extra,
        }

    async with database.session() as db:
        await db.execute(
            insert(Asset),
            [
                asset("IMAGE", 1000),
                asset("IMAGE", 2000),
                asset("VIDEO", 5000),
                asset("IMAGE", 7, deleted_at=now),  # trashed: not counted
            ],
        )
        await db.commit()

    response = await client.get("/api/server/statistics", headers=admin.headers)
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "ServerStatsResponseDto")
    assert {key: body[key] for key in ("photos", "videos", "usage", "usagePhotos", "usageVideos")} == {
        "photos": 2,
        "videos": 1,
        "usage": 8000,
        "usagePhotos": 3000,
        "usageVideos": 5000,
    }
    by_user = {entry["userId"]: entry for entry in body["usageByUser"]}
    assert set(by_user) == {admin.user_id, user.user_id}
    assert by_user[admin.user_id]["photos"] == 0
    assert (by_user[user.user_id]["userName"], by_user[user.user_id]["usage"]) == ("user", 8000)


async def test_server_license_round_trip(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    assert (await client.get("/api/server/license", headers=user.headers)).status_code == 403

    missing = await client.get("/api/server/license", headers=admin.headers)
    assert (missing.status_code, missing.json()) == (404, {"message": "Not Found"})

    bad = await client.put(
        "/api/server/license", json={**LICENSE, "licenseKey": "IMCL-X"}, headers=admin.headers
    )
    assert (bad.status_code, bad.json()) == (400, {"message": "Invalid license key"})

    stored = await client.put("/api/server/license", json=LICENSE, headers=admin.headers)
    assert stored.status_code == 200
    assert_shape(stored.json(), "LicenseResponseDto")
    assert stored.json()["licenseKey"] == LICENSE["licenseKey"]
    assert (await client.get("/api/server/license", headers=admin.headers)).json() == stored.json()
    about = (await client.get("/api/server/about", headers=admin.headers)).json()
    assert about["licensed"] is True

    deleted = await client.delete("/api/server/license", headers=admin.headers)
    assert deleted.status_code == 204
    assert (await client.get("/api/server/license", headers=admin.headers)).status_code == 404


async def test_version_check_reports_no_check_without_network(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/server/version-check")).status_code == 401
    admin = await sign_up_admin(client)
    response = await client.get("/api/server/version-check", headers=admin.headers)
    assert response.status_code == 200
    assert_shape(response.json(), "VersionCheckStateResponseDto")
    assert response.json() == {"checkedAt": None, "releaseVersion": None}
