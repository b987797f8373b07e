"""The admin config: defaults, what the admin changed (stored as a diff), or a read-only config file.

Other services call :func:`get_config` (``config.passwordLogin.enabled``, ``config.user.deleteDelay``,
...). Loaded configs are cached per database engine for a few seconds and replaced on every update, so
hot paths don't query ``system_metadata`` while other processes still see changes quickly.
"""

from __future__ import annotations

import functools
import logging
import re
import time
import weakref
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.config import Settings, load_settings
from albumen.db.repositories.system_metadata import SystemMetadataRepository
from albumen.dto.config_admin import AdminConfig, AdminConfigDto, SystemConfigTemplateStorageOptionDto
from albumen.dto.config_user import PublicConfigDto, UserConfigDto, to_public_config, to_user_config
from albumen.services import events
from albumen.services.errors import BadRequestError
from albumen.services.system_config_defaults import build_defaults

logger = logging.getLogger(__name__)

CONFIG_KEY = "system-config"
CACHE_SECONDS = 5.0
CONFIG_FILE_IN_USE = "Cannot update configuration while IMMICH_CONFIG_FILE is in use"

STORAGE_TEMPLATE_PRESETS = [
    "{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}",
    "{{y}}/{{MM}}-{{dd}}/{{filename}}",
    "{{y}}/{{MMMM}}-{{dd}}/{{filename}}",
    "{{y}}/{{MM}}/{{filename}}",
    "{{y}}/{{MMM}}/{{filename}}",
    "{{y}}/{{MMMM}}/{{filename}}",
    "{{y}}/{{MM}}/{{dd}}/{{filename}}",
    "{{y}}/{{MMMM}}/{{dd}}/{{filename}}",
    "{{y}}/{{y}}-{{MM}}/{{y}}-{{MM}}-{{dd}}/{{filename}}",
    "{{y}}-{{MM}}-{{dd}}/{{filename}}",
    "{{y}}-{{MMM}}-{{dd}}/{{filename}}",
    "{{y}}-{{MMMM}}-{{dd}}/{{filename}}",
    "{{y}}/{{y}}-{{MM}}/{{filename}}",
    "{{y}}/{{y}}-{{WW}}/{{filename}}",
    "{{y}}/{{y}}-{{MM}}-{{dd}}/{{assetId}}",
    "{{y}}/{{y}}-{{MM}}/{{assetId}}",
    "{{y}}/{{y}}-{{WW}}/{{assetId}}",
    "{{album}}/{{filename}}",
]


class ConfigFileError(ValueError):
    """``IMMICH_CONFIG_FILE`` cannot be read or holds invalid values; the server must not guess."""


@dataclass(frozen=True)
class _CachedConfig:
    source: tuple[Any, ...]
    loaded_at: float
    config: AdminConfig


_cache: weakref.WeakKeyDictionary[Engine | Connection, _CachedConfig] = weakref.WeakKeyDictionary()


def _source(settings: Settings) -> tuple[Any, ...]:
    """The settings a loaded config depends on (tests run several apps on one engine)."""
    return (
        settings.config_file,
        settings.machine_learning_url,
        settings.machine_learning_enabled,
        settings.ml_port,
    )


def get_defaults(settings: Settings) -> AdminConfig:
    return AdminConfigDto.model_validate(build_defaults(settings))


async def get_config(db: AsyncSession, settings: Settings | None = None) -> AdminConfig:
    """The effective admin config. Raises :class:`ConfigFileError` for a broken config file.

    Pass the app's settings; without them the process environment is read (IMMICH_CONFIG_FILE, ...).
    """
    settings = settings if settings is not None else _environment_settings()
    engine = db.get_bind()
    cached = _cache.get(engine)
    # A config file is read once, as Immich does: edits apply after a restart.
    if (
        cached is not None
        and cached.source == _source(settings)
        and (settings.config_file is not None or time.monotonic() - cached.loaded_at < CACHE_SECONDS)
    ):
        return cached.config
    if settings.config_file is not None:
        config = load_config_file(settings)
    else:
        config = await _load_from_database(db, settings)
    _remember(engine, settings, config)
    return config


@functools.cache
def _environment_settings() -> Settings:
    return load_settings()


def invalidate_cache() -> None:
    _cache.clear()


async def update_config(db: AsyncSession, settings: Settings, changes: dict[str, Any]) -> AdminConfig:
    """Apply the sections and fields in ``changes`` over the current config (unknown keys are ignored)
    and store what now differs from the defaults."""
    if settings.config_file is not None:
        raise BadRequestError(CONFIG_FILE_IN_USE)
    current = await _load_from_database(db, settings)
    document = _merge(current.model_dump(mode="json", by_alias=True), changes)
    try:
        config = AdminConfigDto.model_validate(document)
    except ValidationError as error:
        raise BadRequestError("Validation failed", errors=_issues(error)) from error
    difference = _difference(config.model_dump(mode="json", by_alias=True), build_defaults(settings))
    await SystemMetadataRepository(db).set(CONFIG_KEY, difference)
    await events.broadcast(db, "on_config_update")
    await db.commit()
    _remember(db.get_bind(), settings, config)
    return config


async def get_user_config(db: AsyncSession, settings: Settings) -> UserConfigDto:
    return to_user_config(await get_config(db, settings))


def get_user_config_defaults(settings: Settings) -> UserConfigDto:
    return to_user_config(get_defaults(settings))


async def get_public_config(db: AsyncSession, settings: Settings) -> PublicConfigDto:
    return to_public_config(await get_config(db, settings))


def get_public_config_defaults(settings: Settings) -> PublicConfigDto:
    return to_public_config(get_defaults(settings))


def storage_template_options() -> SystemConfigTemplateStorageOptionDto:
    return SystemConfigTemplateStorageOptionDto(
        yearOptions=["y", "yy"],
        monthOptions=["M", "MM", "MMM", "MMMM"],
        weekOptions=["W", "WW"],
        dayOptions=["d", "dd"],
        hourOptions=["h", "hh", "H", "HH"],
        minuteOptions=["m", "mm"],
        secondOptions=["s", "ss", "SSS"],
        presetOptions=list(STORAGE_TEMPLATE_PRESETS),
    )


def load_config_file(settings: Settings) -> AdminConfig:
    """The config file (JSON or YAML) over the defaults. Unknown keys are logged and ignored; a value
    that fails validation is fatal, since the admin cannot fix it from the UI."""
    path = settings.config_file
    assert path is not None
    try:
        document = yaml.load(path.read_text(), Loader=_Yaml12Loader) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigFileError(f"Unable to read config file {path}: {error}") from error
    if not isinstance(document, dict):
        raise ConfigFileError(f"Config file {path} must hold an object")
    defaults = build_defaults(settings)
    for unknown in _unknown_keys(document, defaults):
        logger.warning("Ignoring unknown key %s in config file %s", unknown, path)
    try:
        return AdminConfigDto.model_validate(_merge(defaults, document))
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, item['loc']))}: {item['msg']}" for item in error.errors())
        raise ConfigFileError(f"Invalid config file {path}: {problems}") from error


async def _load_from_database(db: AsyncSession, settings: Settings) -> AdminConfig:
    stored = await SystemMetadataRepository(db).get(CONFIG_KEY)
    defaults = build_defaults(settings)
    document = _merge(defaults, stored if isinstance(stored, dict) else {})
    try:
        return AdminConfigDto.model_validate(document)
    except ValidationError as error:
        # A stored value this release rejects must not take the server down: fall back per field.
        logger.warning("Ignoring invalid stored config values: %s", error)
        for issue in error.errors():
            _reset_to_default(document, defaults, [str(part) for part in issue["loc"]])
        try:
            return AdminConfigDto.model_validate(document)
        except ValidationError:
            return AdminConfigDto.model_validate(defaults)


def _remember(engine: Engine | Connection, settings: Settings, config: AdminConfig) -> None:
    _cache[engine] = _CachedConfig(source=_source(settings), loaded_at=time.monotonic(), config=config)


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _difference(value: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The parts of ``value`` that differ from ``defaults`` (nested objects compared field by field)."""
    changed: dict[str, Any] = {}
    for key, item in value.items():
        default = defaults.get(key)
        if isinstance(item, dict) and isinstance(default, dict):
            nested = _difference(item, default)
            if nested:
                changed[key] = nested
        elif key not in defaults or item != default:
            changed[key] = item
    return changed


def _unknown_keys(document: dict[str, Any], defaults: dict[str, Any], prefix: str = "") -> list[str]:
    unknown = []
    for key, value in document.items():
        if key not in defaults:
            unknown.append(prefix + key)
        elif isinstance(value, dict) and isinstance(defaults[key], dict):
            unknown.extend(_unknown_keys(value, defaults[key], f"{prefix}{key}."))
    return unknown


def _reset_to_default(document: dict[str, Any], defaults: dict[str, Any], path: list[str]) -> None:
    """Put the default back at ``path`` (or at its nearest parent that is an object in both)."""
    if not path:
        return
    head, rest = path[0], path[1:]
    default = defaults.get(head)
    current = document.get(head)
    if rest and isinstance(current, dict) and isinstance(default, dict):
        _reset_to_default(current, default, rest)
    elif head in defaults:
        document[head] = default
    else:
        document.pop(head, None)


def _issues(error: ValidationError) -> list[dict[str, Any]]:
    """Pydantic errors in the shape the API's request-validation errors use."""
    return [
        {"code": issue["type"], "path": [str(part) for part in issue["loc"]], "message": issue["msg"]}
        for issue in error.errors()
    ]


class _Yaml12Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 base-60 integers, as Immich's js-yaml reads files: an unquoted
    ``startTime: 12:30`` stays a string instead of becoming 750."""


_INT_TAG = "tag:yaml.org,2002:int"
_Yaml12Loader.yaml_implicit_resolvers = {
    first: [resolver for resolver in resolvers if resolver[0] != _INT_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    _INT_TAG, re.compile(r"^[-+]?(?:0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0[0-7_]+)$"), list("-+0123456789")
)
