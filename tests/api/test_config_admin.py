from __future__ import annotations

import json
from pathlib import Path

import httpx

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.repositories.system_metadata import SystemMetadataRepository
from tests.dto_shapes import assert_shape
from tests.helpers import app_client, create_user, sign_up_admin


async def test_admin_config_starts_at_immich_defaults(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.get("/api/admin/config", headers=admin.headers)
    assert response.status_code == 200
    config = response.json()
    assert_shape(config, "AdminConfigDto")
    assert config == (await client.get("/api/admin/config/defaults", headers=admin.headers)).json()
    assert config["ffmpeg"]["crf"] == 23
    assert (config["ffmpeg"]["targetVideoCodec"], config["ffmpeg"]["targetResolution"]) == ("h264", "720")
    assert config["ffmpeg"]["transcode"] == "required"
    assert config["ffmpeg"]["realtime"] == {
        "enabled": False,
        "videoCodecs": ["h264", "hevc"],
        "resolutions": [480, 720, 1080],
    }
    assert config["image"]["thumbnail"] == {
        "format": "webp",
        "size": 250,
        "quality": 80,
        "progressive": False,
    }
    assert config["image"]["preview"] == {"format": "jpeg", "size": 1440, "quality": 80, "progressive": False}
    assert config["trash"] == {"enabled": True, "days": 30}
    assert config["user"] == {"deleteDelay": 7}
    assert config["storageTemplate"] == {
        "enabled": False,
        "hashVerificationEnabled": True,
        "template": "{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}",
    }
    assert config["backup"]["database"] == {
        "enabled": True,
        "cronExpression": "0 02 * * *",
        "keepLastAmount": 14,
    }
    assert config["job"]["thumbnailGeneration"] == {"concurrency": 3}
    assert config["job"]["videoConversion"] == {"concurrency": 1}
    # The ML service `albumen serve` runs, on ALBUMEN_ML_PORT (9 in the tests' settings).
    assert config["machineLearning"]["urls"] == ["http://127.0.0.1:9"]
    assert config["metadata"] == {"faces": {"import": False}}
    assert config["notifications"]["smtp"]["from"] == ""
    assert config["passwordLogin"] == {"enabled": True}
    assert config["newVersionCheck"] == {"enabled": True, "channel": "stable"}


async def test_admin_config_is_for_admins_only(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    for path in ("/api/admin/config", "/api/admin/config/defaults"):
        assert (await client.get(path)).status_code == 401
        forbidden = await client.get(path, headers=user.headers)
        assert (forbidden.status_code, forbidden.json()) == (403, {"message": "Forbidden"})
    put = await client.put("/api/admin/config", json={"trash": {"days": 1}}, headers=user.headers)
    assert put.status_code == 403


async def test_partial_update_persists_as_a_diff_and_survives_a_restart(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    response = await client.put(
        "/api/admin/config",
        json={"trash": {"days": 10}, "server": {"loginPageMessage": "Hello"}},
        headers=admin.headers,
    )
    assert response.status_code == 200
    updated = response.json()
    assert_shape(updated, "AdminConfigDto")
    assert updated["trash"] == {"enabled": True, "days": 10}
    assert updated["server"] == {"externalDomain": "", "loginPageMessage": "Hello", "publicUsers": True}
    assert updated["ffmpeg"]["crf"] == 23

    async with database.session() as db:
        stored = await SystemMetadataRepository(db).get("system-config")
    assert stored == {"trash": {"days": 10}, "server": {"loginPageMessage": "Hello"}}

    async with app_client(database, settings) as restarted:
        assert (await restarted.get("/api/admin/config", headers=admin.headers)).json() == updated


async def test_a_whole_document_round_trips(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    config = (await client.get("/api/admin/config", headers=admin.headers)).json()
    config["ffmpeg"]["crf"] = 30
    config["job"]["smartSearch"]["concurrency"] = 4
    response = await client.put("/api/admin/config", json=config, headers=admin.headers)
    assert (response.status_code, response.json()) == (200, config)


async def test_setting_a_default_back_removes_it_from_the_stored_diff(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    await client.put("/api/admin/config", json={"trash": {"days": 3}}, headers=admin.headers)
    await client.put("/api/admin/config", json={"trash": {"days": 30}}, headers=admin.headers)
    async with database.session() as db:
        assert await SystemMetadataRepository(db).get("system-config") == {}


async def test_bad_values_are_rejected_and_change_nothing(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    before = (await client.get("/api/admin/config", headers=admin.headers)).json()
    for changes, path in [
        (
            {"job": {"thumbnailGeneration": {"concurrency": -1}}},
            ["job", "thumbnailGeneration", "concurrency"],
        ),
        ({"ffmpeg": {"transcode": "sometimes"}}, ["ffmpeg", "transcode"]),
        ({"trash": {"days": "many"}}, ["trash", "days"]),
        ({"library": {"scan": {"cronExpression": "every day"}}}, ["library", "scan", "cronExpression"]),
        ({"nightlyTasks": {"startTime": "25:00"}}, ["nightlyTasks", "startTime"]),
        ({"machineLearning": {"urls": []}}, ["machineLearning", "urls"]),
        ({"image": {"preview": {"quality": 101}}}, ["image", "preview", "quality"]),
    ]:
        response = await client.put("/api/admin/config", json=changes, headers=admin.headers)
        assert response.status_code == 400, changes
        body = response.json()
        assert body["message"] == "Validation failed"
        assert [issue["path"] for issue in body["errors"]] == [path]
    not_an_object = await client.put("/api/admin/config", json=[1, 2], headers=admin.headers)
    assert not_an_object.status_code == 400
    assert (await client.get("/api/admin/config", headers=admin.headers)).json() == before


async def test_unknown_keys_are_ignored(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.put(
        "/api/admin/config",
        json={"bogus": 1, "trash": {"days": 9, "nope": True}},
        headers=admin.headers,
    )
    assert response.status_code == 200
    assert "bogus" not in response.json()
    assert response.json()["trash"] == {"enabled": True, "days": 9}


async def test_machine_learning_urls_come_from_the_environment(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    with_urls = settings.model_copy(update={"machine_learning_url": "http://ml-a:3003, http://ml-b:3003"})
    async with app_client(database, with_urls) as other:
        for path in ("/api/admin/config", "/api/admin/config/defaults"):
            config = (await other.get(path, headers=admin.headers)).json()
            assert config["machineLearning"]["urls"] == ["http://ml-a:3003", "http://ml-b:3003"]


async def test_a_config_file_makes_the_config_read_only(
    client: httpx.AsyncClient, database: Database, settings: Settings, tmp_path: Path
) -> None:
    admin = await sign_up_admin(client)
    config_file = tmp_path / "immich-config.json"
    config_file.write_text(
        json.dumps({"trash": {"days": 5}, "oauth": {"enabled": True, "buttonText": "SSO"}})
    )
    from_file = settings.model_copy(update={"config_file": config_file})
    async with app_client(database, from_file) as other:
        config = (await other.get("/api/admin/config", headers=admin.headers)).json()
        assert_shape(config, "AdminConfigDto")
        assert config["trash"] == {"enabled": True, "days": 5}
        assert config["oauth"]["buttonText"] == "SSO"
        assert config["ffmpeg"]["crf"] == 23

        rejected = await other.put("/api/admin/config", json={"trash": {"days": 6}}, headers=admin.headers)
        assert rejected.status_code == 400
        assert rejected.json() == {
            "message": "Cannot update configuration while IMMICH_CONFIG_FILE is in use"
        }

        features = (await other.get("/api/server/features")).json()
        assert (features["configFile"], features["oauth"]) == (True, True)
        assert (await other.get("/api/server/config")).json()["isOnboarded"] is True

    # Without the file, the stored config (the defaults here) applies again.
    assert (await client.get("/api/admin/config", headers=admin.headers)).json()["trash"]["days"] == 30


async def test_a_yaml_config_file_is_read_like_immich_reads_it(
    client: httpx.AsyncClient, database: Database, settings: Settings, tmp_path: Path
) -> None:
    admin = await sign_up_admin(client)
    config_file = tmp_path / "immich-config.yaml"
    config_file.write_text("nightlyTasks:\n  startTime: 12:30\nuser:\n  deleteDelay: 3\n")
    async with app_client(database, settings.model_copy(update={"config_file": config_file})) as other:
        config = (await other.get("/api/admin/config", headers=admin.headers)).json()
    assert config["nightlyTasks"]["startTime"] == "12:30"
    assert config["user"] == {"deleteDelay": 3}
