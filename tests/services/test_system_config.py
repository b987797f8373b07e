from __future__ import annotations

import logging
from pathlib import Path

import pytest

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.repositories.system_metadata import SystemMetadataRepository
from albumen.services import system_config
from albumen.services.errors import BadRequestError


async def test_other_services_read_typed_values(database: Database, settings: Settings) -> None:
    async with database.session() as db:
        config = await system_config.get_config(db, settings)
    assert config.passwordLogin.enabled is True
    assert config.user.deleteDelay == 7
    assert config.metadata.faces.import_ is False
    assert config.notifications.smtp.from_ == ""


async def test_update_is_seen_at_once_and_by_a_fresh_load(database: Database, settings: Settings) -> None:
    async with database.session() as db:
        await system_config.get_config(db, settings)  # warm the cache
        await system_config.update_config(db, settings, {"user": {"deleteDelay": 2}})
        assert (await system_config.get_config(db, settings)).user.deleteDelay == 2
    system_config.invalidate_cache()
    async with database.session() as db:
        assert (await system_config.get_config(db, settings)).user.deleteDelay == 2


async def test_rejected_update_reports_each_bad_field(database: Database, settings: Settings) -> None:
    async with database.session() as db:
        with pytest.raises(BadRequestError) as raised:
            await system_config.update_config(
                db, settings, {"trash": {"days": -1}, "ffmpeg": {"accel": "gpu"}}
            )
    assert raised.value.message == "Validation failed"
    assert raised.value.errors is not None
    assert sorted(issue["path"] for issue in raised.value.errors) == [["ffmpeg", "accel"], ["trash", "days"]]


async def test_invalid_stored_values_fall_back_to_defaults_field_by_field(
    database: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async with database.session() as db:
        stored = {"trash": {"days": -3}, "ffmpeg": {"crf": 30, "preset": 7}, "job": "nonsense"}
        await SystemMetadataRepository(db).set("system-config", stored)
        await db.commit()
        system_config.invalidate_cache()
        with caplog.at_level(logging.WARNING):
            config = await system_config.get_config(db, settings)
    assert config.trash.days == 30
    assert config.ffmpeg.crf == 30
    assert config.ffmpeg.preset == "ultrafast"
    assert config.job.smartSearch.concurrency == 2
    assert "invalid stored config" in caplog.text


async def test_disabling_machine_learning_by_environment(database: Database, settings: Settings) -> None:
    no_ml = settings.model_copy(update={"machine_learning_enabled": False})
    assert system_config.get_defaults(no_ml).machineLearning.enabled is False
    async with database.session() as db:
        assert (await system_config.get_config(db, no_ml)).machineLearning.enabled is False


def test_config_file_errors_are_fatal(settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("trash: [unclosed")
    with pytest.raises(system_config.ConfigFileError, match="Unable to read"):
        system_config.load_config_file(settings.model_copy(update={"config_file": broken}))

    invalid = tmp_path / "invalid.json"
    invalid.write_text('{"trash": {"days": -1}}')
    with pytest.raises(system_config.ConfigFileError, match=r"trash\.days"):
        system_config.load_config_file(settings.model_copy(update={"config_file": invalid}))

    with pytest.raises(system_config.ConfigFileError):
        system_config.load_config_file(settings.model_copy(update={"config_file": tmp_path / "missing.json"}))


def test_config_file_unknown_keys_are_logged_and_ignored(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config_file = tmp_path / "config.yml"
    config_file.write_text("trash:\n  days: 4\n  colour: red\nextra: true\n")
    with caplog.at_level(logging.WARNING):
        config = system_config.load_config_file(settings.model_copy(update={"config_file": config_file}))
    assert config.trash.days == 4
    assert "trash.colour" in caplog.text and "extra" in caplog.text


async def test_config_file_blocks_updates(database: Database, settings: Settings, tmp_path: Path) -> None:
    config_file = tmp_path / "config.json"
    config_file.write_text("{}")
    from_file = settings.model_copy(update={"config_file": config_file})
    async with database.session() as db:
        with pytest.raises(BadRequestError, match="IMMICH_CONFIG_FILE"):
            await system_config.update_config(db, from_file, {"trash": {"days": 1}})
