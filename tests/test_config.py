"""Settings read from the environment, ``*_FILE`` secrets and CLI overrides."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from pydantic import ValidationError

from albumen.config import Settings, load_settings, to_asyncpg_url

VARIABLES = (
    "IMMICH_HOST",
    "IMMICH_PORT",
    "ALBUMEN_DATA_DIR",
    "XDG_DATA_HOME",
    "IMMICH_MEDIA_LOCATION",
    "UPLOAD_LOCATION",
    "IMMICH_LOG_LEVEL",
    "ALBUMEN_LOG_FORMAT",
    "DB_URL",
    "DB_HOSTNAME",
    "DB_PORT",
    "DB_USERNAME",
    "DB_PASSWORD",
    "DB_DATABASE_NAME",
    "DB_URL_FILE",
    "DB_HOSTNAME_FILE",
    "DB_USERNAME_FILE",
    "DB_PASSWORD_FILE",
    "DB_DATABASE_NAME_FILE",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_use_the_embedded_database_under_the_home_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    settings = load_settings()
    assert (settings.host, settings.port) == ("0.0.0.0", 2283)
    assert settings.data_dir == tmp_path / ".local" / "share" / "albumen"
    assert settings.media_root == settings.data_dir / "media"
    assert settings.pgdata == settings.data_dir / "postgres"
    assert settings.uses_embedded_database
    assert settings.external_database_url is None


def test_upload_location_is_immichs_name_for_the_media_location(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPLOAD_LOCATION", "/srv/photos")
    assert load_settings().media_root == Path("/srv/photos")


def test_db_password_file_is_read_without_its_trailing_newline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "password"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("DB_HOSTNAME", "db.example")
    monkeypatch.setenv("DB_PASSWORD_FILE", str(secret))
    settings = load_settings()
    assert settings.db_password == "s3cret"
    assert settings.external_database_url == "postgresql+asyncpg://postgres:s3cret@db.example:5432/albumen"


def test_db_url_file_is_converted_to_an_asyncpg_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "url"
    secret.write_text("postgres://immich:pw@db:5433/immich\n")
    monkeypatch.setenv("DB_URL_FILE", str(secret))
    settings = load_settings()
    assert not settings.uses_embedded_database
    assert settings.external_database_url == "postgresql+asyncpg://immich:pw@db:5433/immich"


def test_plain_variable_wins_over_its_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "name"
    secret.write_text("from_file")
    monkeypatch.setenv("DB_DATABASE_NAME_FILE", str(secret))
    monkeypatch.setenv("DB_DATABASE_NAME", "from_env")
    assert load_settings().db_database_name == "from_env"


def test_unreadable_secret_file_is_refused_with_its_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DB_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="DB_PASSWORD_FILE"):
        load_settings()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:p@h:5432/d", "postgresql+asyncpg://u:p@h:5432/d"),
        ("postgres://u@h/d?sslmode=require", "postgresql+asyncpg://u@h/d?sslmode=require"),
        ("postgresql+asyncpg://u@h/d", "postgresql+asyncpg://u@h/d"),
    ],
)
def test_db_url_becomes_an_asyncpg_url(url: str, expected: str) -> None:
    assert to_asyncpg_url(url) == expected


def test_db_url_with_another_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="DB_URL"):
        to_asyncpg_url("mysql://u@h/d")


def test_db_url_beats_db_hostname(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_URL", "postgresql://a@first/one")
    monkeypatch.setenv("DB_HOSTNAME", "second")
    assert load_settings().external_database_url == "postgresql+asyncpg://a@first/one"


def test_db_hostname_composition_escapes_special_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    password = "p@ss:w/rd?#%&é"
    monkeypatch.setenv("DB_HOSTNAME", "db.internal")
    monkeypatch.setenv("DB_PORT", "6543")
    monkeypatch.setenv("DB_USERNAME", "im mich")
    monkeypatch.setenv("DB_PASSWORD", password)
    monkeypatch.setenv("DB_DATABASE_NAME", "photos")
    url = load_settings().external_database_url
    assert url is not None
    parts = urlsplit(url)
    assert parts.scheme == "postgresql+asyncpg"
    assert (parts.hostname, parts.port, parts.path) == ("db.internal", 6543, "/photos")
    assert unquote(parts.username or "") == "im mich"
    assert unquote(parts.password or "") == password


def test_db_hostname_without_password_has_no_colon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_HOSTNAME", "db")
    assert load_settings().external_database_url == "postgresql+asyncpg://postgres@db:5432/albumen"


def test_cli_overrides_beat_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALBUMEN_DATA_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("IMMICH_HOST", "10.0.0.1")
    monkeypatch.setenv("IMMICH_PORT", "1234")
    settings = load_settings(data_dir=tmp_path / "from-cli", host="127.0.0.1", port=9999)
    assert settings.data_dir == tmp_path / "from-cli"
    assert (settings.host, settings.port) == ("127.0.0.1", 9999)


def test_none_overrides_leave_the_environment_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMMICH_PORT", "1234")
    assert load_settings(port=None, host=None).port == 1234


@pytest.mark.parametrize("level", ["verbose", "debug", "log", "warn", "error", "fatal", "DEBUG"])
def test_known_log_levels_are_accepted(monkeypatch: pytest.MonkeyPatch, level: str) -> None:
    monkeypatch.setenv("IMMICH_LOG_LEVEL", level)
    assert load_settings().log_level == level.lower()


@pytest.mark.parametrize("level", ["info", "trace", ""])
def test_unknown_log_level_is_rejected(monkeypatch: pytest.MonkeyPatch, level: str) -> None:
    monkeypatch.setenv("IMMICH_LOG_LEVEL", level)
    with pytest.raises(ValidationError, match="IMMICH_LOG_LEVEL"):
        load_settings()


def test_unknown_log_format_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALBUMEN_LOG_FORMAT", "xml")
    with pytest.raises(ValidationError, match="ALBUMEN_LOG_FORMAT"):
        load_settings()


def test_port_out_of_range_is_rejected() -> None:
    with pytest.raises(ValidationError):
        Settings(port=70000)


def test_serve_runs_its_own_ml_service_unless_one_is_named_or_ml_is_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("ALBUMEN_ML_PORT", "IMMICH_MACHINE_LEARNING_URL", "IMMICH_MACHINE_LEARNING_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.local_machine_learning_url == "http://127.0.0.1:3003"
    assert settings.runs_local_machine_learning
    monkeypatch.setenv("ALBUMEN_ML_PORT", "3010")
    assert load_settings().local_machine_learning_url == "http://127.0.0.1:3010"
    monkeypatch.setenv("IMMICH_MACHINE_LEARNING_URL", "http://gpu-box:3003")
    assert not load_settings().runs_local_machine_learning
    monkeypatch.delenv("IMMICH_MACHINE_LEARNING_URL")
    monkeypatch.setenv("IMMICH_MACHINE_LEARNING_ENABLED", "false")
    assert not load_settings().runs_local_machine_learning
