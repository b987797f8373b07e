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

#: Immich's telemetry groups (``IMMICH_TELEMETRY_INCLUDE=api,job``); ``all`` means every one.
TELEMETRY_GROUPS = ("api", "host", "io", "job", "repo")


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
    machine_learning_enabled: bool = Field(
        True, validation_alias=AliasChoices("IMMICH_MACHINE_LEARNING_ENABLED", "machine_learning_enabled")
    )
    # ``albumen serve`` runs ``albumen ml`` on 127.0.0.1 at this port unless an ML URL is given.
    ml_port: int = Field(3003, validation_alias=AliasChoices("ALBUMEN_ML_PORT", "ml_port"), ge=1, le=65535)
    log_level: str = Field("log", validation_alias=AliasChoices("IMMICH_LOG_LEVEL", "log_level"))
    log_format: str = Field("console", validation_alias=AliasChoices("ALBUMEN_LOG_FORMAT", "log_format"))
    config_file: Path | None = Field(None, validation_alias=AliasChoices("IMMICH_CONFIG_FILE", "config_file"))
    trusted_proxies: str = Field(
        "", validation_alias=AliasChoices("IMMICH_TRUSTED_PROXIES", "trusted_proxies")
    )
    workers_enabled: bool = Field(True, validation_alias=AliasChoices("ALBUMEN_WORKERS", "workers_enabled"))
    max_upload_bytes: int = Field(
        100 * 1024**3, validation_alias=AliasChoices("ALBUMEN_MAX_UPLOAD_BYTES", "max_upload_bytes"), ge=1
    )
    # Operations (see docs/monitoring.md): Immich's telemetry switches, then readiness thresholds.
    telemetry_include: str = Field(
        "", validation_alias=AliasChoices("IMMICH_TELEMETRY_INCLUDE", "telemetry_include")
    )
    telemetry_exclude: str = Field(
        "", validation_alias=AliasChoices("IMMICH_TELEMETRY_EXCLUDE", "telemetry_exclude")
    )
    api_metrics_port: int = Field(
        8081, validation_alias=AliasChoices("IMMICH_API_METRICS_PORT", "api_metrics_port"), ge=1, le=65535
    )
    microservices_metrics_port: int = Field(
        8082,
        validation_alias=AliasChoices("IMMICH_MICROSERVICES_METRICS_PORT", "microservices_metrics_port"),
        ge=1,
        le=65535,
    )
    ready_min_free_bytes: int = Field(
        1024**3, validation_alias=AliasChoices("ALBUMEN_READY_MIN_FREE_BYTES", "ready_min_free_bytes"), ge=0
    )

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

    @field_validator("telemetry_include", "telemetry_exclude")
    @classmethod
    def _known_telemetry_groups(cls, value: str) -> str:
        groups = {group.strip().lower() for group in value.split(",") if group.strip()}
        unknown = groups - {"all", *TELEMETRY_GROUPS}
        if unknown:
            raise ValueError(
                f"IMMICH_TELEMETRY_INCLUDE/EXCLUDE: unknown group(s) {', '.join(sorted(unknown))}; "
                f"use all or a comma list of {', '.join(TELEMETRY_GROUPS)}"
            )
        return ",".join(sorted(groups))

    @property
    def telemetry_groups(self) -> frozenset[str]:
        """The metric groups to export (empty: metrics are off), as Immich reads its two variables."""
        include = set(self.telemetry_include.split(",")) - {""}
        exclude = set(self.telemetry_exclude.split(",")) - {""}
        if "all" in include:
            include = set(TELEMETRY_GROUPS)
        if "all" in exclude:
            exclude = set(TELEMETRY_GROUPS)
        return frozenset(include - exclude)

    @property
    def media_root(self) -> Path:
        return self.media_location if self.media_location is not None else self.data_dir / "media"

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "postgres"

    @property
    def local_machine_learning_url(self) -> str:
        """Where the ML service that ``albumen serve`` starts answers."""
        return f"http://127.0.0.1:{self.ml_port}"

    @property
    def runs_local_machine_learning(self) -> bool:
        """Whether ``albumen serve`` starts its own ML service: ML on and no remote service named."""
        return self.machine_learning_enabled and not (self.machine_learning_url or "").strip()

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
    for name, value in overrides.items():
        if value is None:
            continue
        # An alias choice found first wins in pydantic, so the environment's spelling must go.
        alias = Settings.model_fields[name].validation_alias
        if isinstance(alias, AliasChoices):
            for choice in alias.choices:
                if isinstance(choice, str):
                    values.pop(choice, None)
        values[name] = value
    return Settings(**values)
