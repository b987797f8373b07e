"""Process settings from the environment (Immich's names where Immich has one).

Every secret may also be given as ``NAME_FILE`` pointing at a file that holds it, which is how Podman
and Kubernetes secrets arrive. CLI flags override the environment (see ``albumen.cli``).
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Variables that may be supplied as ``<NAME>_FILE`` (Docker/Podman/Kubernetes secrets).
SECRET_VARIABLES = ("DB_URL", "DB_PASSWORD", "DB_USERNAME", "DB_HOSTNAME", "DB_DATABASE_NAME")

LOG_LEVELS = ("verbose", "debug", "log", "warn", "error", "fatal")


def default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "albumen"


def resolve_file_secrets(environ: dict[str, str] | os._Environ[str] | None = None) -> dict[str, str]:
    """Return ``{NAME: value}`` for every ``NAME_FILE`` variable that points at a readable file."""
    env = os.environ if environ is None else environ
    found: dict[str, str] = {}
    for name in SECRET_VARIABLES:
        path = env.get(f"{name}_FILE")
        if path and not env.get(name):
            try:
                found[name] = Path(path).read_text().rstrip("\r\n")
            except OSError as error:
                raise ValueError(f"{name}_FILE points at {path!r}, which cannot be read: {error}") from error
    return found


class Settings(BaseSettings):
    """Typed view of the environment. Build it with :func:`load_settings`."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, case_sensitive=True)

    host: str = Field("0.0.0.0", validation_alias=AliasChoices("IMMICH_HOST", "host"))
    port: int = Field(2283, validation_alias=AliasChoices("IMMICH_PORT", "port"), ge=1, le=65535)
    data_dir: Path = Field(
        default_factory=default_data_dir, validation_alias=AliasChoices("ALBUMEN_DATA_DIR", "data_dir")
    )
    media_location: Path | None = Field(
        None, validation_alias=AliasChoices("IMMICH_MEDIA_LOCATION", "UPLOAD_LOCATION", "media_location")
    )

    db_url: str | None = Field(None, validation_alias=AliasChoices("DB_URL", "db_url"))
    db_hostname: str | None = Field(None, validation_alias=AliasChoices("DB_HOSTNAME", "db_hostname"))
    db_port: int = Field(5432, validation_alias=AliasChoices("DB_PORT", "db_port"))
    db_username: str | None = Field(None, validation_alias=AliasChoices("DB_USERNAME", "db_username"))
    db_password: str | None = Field(None, validation_alias=AliasChoices("DB_PASSWORD", "db_password"))
    db_database_name: str = Field(
        "albumen", validation_alias=AliasChoices("DB_DATABASE_NAME", "db_database_name")
    )
    db_pool_size: int = Field(10, validation_alias=AliasChoices("ALBUMEN_DB_POOL_SIZE", "db_pool_size"), ge=1)

    machine_learning_url: str | None = Field(
        None, validation_alias=AliasChoices("IMMICH_MACHINE_LEARNING_URL", "machine_learning_url")
    )
    log_level: str = Field("log", validation_alias=AliasChoices("IMMICH_LOG_LEVEL", "log_level"))
    log_format: str = Field("console", validation_alias=AliasChoices("ALBUMEN_LOG_FORMAT", "log_format"))
    config_file: Path | None = Field(None, validation_alias=AliasChoices("IMMICH_CONFIG_FILE", "config_file"))
    trusted_proxies: str = Field(
        "", validation_alias=AliasChoices("IMMICH_TRUSTED_PROXIES", "trusted_proxies")
    )
    workers_enabled: bool = Field(True, validation_alias=AliasChoices("ALBUMEN_WORKERS", "workers_enabled"))

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        lowered = value.lower()
        if lowered not in LOG_LEVELS:
            raise ValueError(f"IMMICH_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        return lowered

    @field_validator("log_format")
    @classmethod
    def _known_log_format(cls, value: str) -> str:
        if value not in ("console", "json"):
            raise ValueError("ALBUMEN_LOG_FORMAT must be 'console' or 'json'")
        return value

    @property
    def media_root(self) -> Path:
        return self.media_location if self.media_location is not None else self.data_dir / "media"

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "postgres"

    @property
    def uses_embedded_database(self) -> bool:
        return not (self.db_url or self.db_hostname)

    @cached_property
    def external_database_url(self) -> str | None:
        """The SQLAlchemy URL of an external database, or None when the embedded one is used."""
        if self.db_url:
            return to_asyncpg_url(self.db_url)
        if self.db_hostname:
            user = quote(self.db_username or "postgres", safe="")
            password = quote(self.db_password or "", safe="")
            auth = f"{user}:{password}@" if password else f"{user}@"
            return (
                f"postgresql+asyncpg://{auth}{self.db_hostname}:{self.db_port}/{quote(self.db_database_name)}"
            )
        return None


def to_asyncpg_url(url: str) -> str:
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("DB_URL must start with postgresql:// or postgres://")


def load_settings(**overrides: Any) -> Settings:
    """Read the environment (and ``*_FILE`` secrets), then apply explicit overrides such as CLI flags."""
    values: dict[str, Any] = {**os.environ, **resolve_file_secrets()}
    values.update({key: value for key, value in overrides.items() if value is not None})
    return Settings(**values)
