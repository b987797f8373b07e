"""Maintenance mode: while it is on, only admins (and holders of the maintenance token) use the API;
a database restore runs inside it.

Immich restarts into a separate maintenance process; Albumen stays one process and keeps the flag in
``system_metadata`` (``maintenance-mode``, Immich's key: ``{isMaintenanceMode, secret, action}``), so
every API process and worker sees it. The restore's progress lives in memory, as Immich's does, because
the restore replaces the very table the flag is stored in. The maintenance token is an HS256 JWT
signed with the mode's secret, carried in Immich's ``immich_maintenance_token`` cookie.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.repositories.system_metadata import SystemMetadataRepository
from albumen.db.repositories.users import UserRepository
from albumen.dto.maintenance import (
    MaintenanceAction,
    MaintenanceAuthDto,
    MaintenanceDetectInstallResponseDto,
    MaintenanceDetectInstallStorageFolderDto,
    MaintenanceStatusResponseDto,
    SetMaintenanceModeDto,
)
from albumen.services import backups, system_config
from albumen.services.errors import BadRequestError, UnauthorizedError
from albumen.storage.base import StorageFolder

logger = logging.getLogger(__name__)

MODE_KEY = "maintenance-mode"
COOKIE = "immich_maintenance_token"
#: What every other API request gets while maintenance mode is on (503).
MAINTENANCE_MESSAGE = "Server is in maintenance mode"
PUBLIC_ERROR = "Something went wrong, see logs!"
CACHE_SECONDS = 2.0


@dataclass
class _Runtime:
    """Per database engine: what this process knows beyond the stored flag."""

    status: MaintenanceStatusResponseDto | None = None
    secret: str | None = None
    restoring: bool = False
    cached: tuple[float, bool] | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


_runtimes: weakref.WeakKeyDictionary[Engine, _Runtime] = weakref.WeakKeyDictionary()


def _runtime(engine: Engine) -> _Runtime:
    runtime = _runtimes.get(engine)
    if runtime is None:
        runtime = _runtimes[engine] = _Runtime()
    return runtime


def _engine_of(database: Database) -> Engine:
    return database.engine.sync_engine


# -- the flag -------------------------------------------------------------------------------------


async def _stored_mode(db: AsyncSession) -> dict[str, Any]:
    stored = await SystemMetadataRepository(db).get(MODE_KEY)
    return stored if isinstance(stored, dict) else {"isMaintenanceMode": False}


async def is_enabled(db: AsyncSession) -> bool:
    """For ``ServerConfigDto.maintenanceMode``: the stored flag, or a restore running here."""
    bind = db.get_bind()
    if isinstance(bind, Engine) and _runtime(bind).restoring:
        return True
    return bool((await _stored_mode(db)).get("isMaintenanceMode"))


async def is_enabled_cached(database: Database) -> bool:
    """The flag for every API request: read at most every few seconds per process."""
    runtime = _runtime(_engine_of(database))
    if runtime.restoring:
        return True
    now = time.monotonic()
    if runtime.cached is not None and now - runtime.cached[0] < CACHE_SECONDS:
        return runtime.cached[1]
    try:
        async with database.session() as db:
            enabled = bool((await _stored_mode(db)).get("isMaintenanceMode"))
    except Exception:
        # The database is down: let the request fail on its own rather than claim maintenance.
        return False
    runtime.cached = (now, enabled)
    return enabled


async def _enable(database: Database, action: MaintenanceAction, username: str) -> str:
    runtime = _runtime(_engine_of(database))
    async with database.session() as db, db.begin():
        stored = await _stored_mode(db)
        secret = stored.get("secret") if stored.get("isMaintenanceMode") else None
        secret = secret if isinstance(secret, str) else secrets.token_hex(32)
        await SystemMetadataRepository(db).set(
            MODE_KEY, {"isMaintenanceMode": True, "secret": secret, "action": {"action": action.value}}
        )
    runtime.secret = secret
    runtime.cached = (time.monotonic(), True)
    runtime.status = MaintenanceStatusResponseDto(active=True, action=action)
    token = sign_token(secret, {"username": username})
    logger.warning(
        "maintenance mode is on (%s); log in at <server>/maintenance?token=%s", action.value, token
    )
    return token


async def end(database: Database) -> None:
    runtime = _runtime(_engine_of(database))
    if runtime.restoring:
        raise BadRequestError("A database restore is running; maintenance mode ends when it is done")
    async with database.session() as db, db.begin():
        await SystemMetadataRepository(db).set(MODE_KEY, {"isMaintenanceMode": False})
    runtime.cached = (time.monotonic(), False)
    runtime.status = None
    runtime.secret = None
    logger.warning("maintenance mode is off")


# -- the token ------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_token(secret: str, payload: dict[str, Any]) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64(json.dumps({**payload, "iat": int(time.time())}, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64(signature)}"


def verify_token(secret: str, token: str) -> dict[str, Any] | None:
    try:
        header, body, signature = token.split(".")
        expected = hmac.new(secret.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(signature)):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, json.JSONDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


async def _secret(database: Database) -> str | None:
    runtime = _runtime(_engine_of(database))
    if runtime.restoring:
        return runtime.secret
    async with database.session() as db:
        stored = await _stored_mode(db)
    secret = stored.get("secret") if stored.get("isMaintenanceMode") else None
    return secret if isinstance(secret, str) else None


async def token_user(database: Database, token: str | None) -> MaintenanceAuthDto | None:
    """Who a maintenance token belongs to, while maintenance mode is on; None otherwise."""
    if not token:
        return None
    secret = await _secret(database)
    payload = verify_token(secret, token) if secret else None
    if payload is None or not isinstance(payload.get("username"), str):
        return None
    return MaintenanceAuthDto(username=payload["username"])


async def login(database: Database, token: str | None) -> MaintenanceAuthDto:
    if await _secret(database) is None:
        raise BadRequestError("Not in maintenance mode")
    if not token:
        raise UnauthorizedError("Missing JWT Token")
    user = await token_user(database, token)
    if user is None:
        raise UnauthorizedError("Invalid JWT Token")
    return user


# -- actions --------------------------------------------------------------------------------------


async def set_mode(
    database: Database, settings: Settings, request: SetMaintenanceModeDto, username: str
) -> str | None:
    """``POST /admin/maintenance``; returns the token to hand out as a cookie (None for ``end``)."""
    if request.action is MaintenanceAction.END:
        await end(database)
        return None
    if _runtime(_engine_of(database)).restoring:
        raise BadRequestError("A database restore is already running")
    if request.action is MaintenanceAction.RESTORE_DATABASE:
        return await start_restore(database, settings, request.restoreBackupFilename, username)
    return await _enable(database, request.action, username)


async def start_restore_flow(database: Database) -> str:
    """``POST /admin/database-backups/start-restore``: a fresh install enters maintenance mode to pick
    a backup (Immich allows it only while no admin exists)."""
    async with database.session() as db:
        if await UserRepository(db).has_admin():
            raise BadRequestError("The server already has an admin")
    return await _enable(database, MaintenanceAction.SELECT_DATABASE_RESTORE, "admin")


async def start_restore(database: Database, settings: Settings, filename: str | None, username: str) -> str:
    """Check the dump, enter maintenance mode and restore it in the background; maintenance mode ends
    when it succeeds and stays on, with the error in the status, when it fails."""
    if not filename:
        raise BadRequestError("restoreBackupFilename is required to restore a database")
    path = backups.backup_path(settings, filename)
    await asyncio.to_thread(backups.check_restorable, path)
    token = await _enable(database, MaintenanceAction.RESTORE_DATABASE, username)
    runtime = _runtime(_engine_of(database))
    runtime.restoring = True
    task = asyncio.create_task(_restore(database, settings, filename), name="albumen-restore")
    runtime.tasks.add(task)
    task.add_done_callback(runtime.tasks.discard)
    return token


async def _restore(database: Database, settings: Settings, filename: str) -> None:
    runtime = _runtime(_engine_of(database))
    action = MaintenanceAction.RESTORE_DATABASE

    def report(task: str, progress: float) -> None:
        runtime.status = MaintenanceStatusResponseDto(
            active=True, action=action, task=task, progress=progress
        )

    try:
        report("backup", 0.0)
        await backups.create_backup(database, settings, prefix=backups.RESTORE_POINT_PREFIX)
        report("restore", 0.0)
        await backups.restore_backup(
            database, backups.backup_path(settings, filename), lambda p: report("restore", p)
        )
        report("migrations", 1.0)
    except Exception as error:
        logger.exception("database restore from %s failed", filename)
        runtime.status = MaintenanceStatusResponseDto(
            active=True, action=action, task="error", error=str(error)
        )
        runtime.restoring = False
        # The restored (or rolled back) database may not hold the flag: write it back on.
        async with database.session() as db, db.begin():
            await SystemMetadataRepository(db).set(
                MODE_KEY,
                {"isMaintenanceMode": True, "secret": runtime.secret, "action": {"action": action.value}},
            )
        return
    runtime.restoring = False
    await end(database)
    runtime.status = MaintenanceStatusResponseDto(active=False, action=MaintenanceAction.END)
    system_config.invalidate_cache()


async def wait_for_restore(database: Database) -> None:
    """Wait until a restore started in this process has finished (tests, a clean shutdown)."""
    tasks = list(_runtime(_engine_of(database)).tasks)
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)


async def status(database: Database, token: str | None) -> MaintenanceStatusResponseDto:
    """The full status for a token holder; others see errors replaced by a generic message."""
    runtime = _runtime(_engine_of(database))
    if not runtime.restoring and not await is_enabled_cached(database):
        if runtime.status is not None and not runtime.status.active:
            return runtime.status
        return MaintenanceStatusResponseDto(active=False, action=MaintenanceAction.END)
    current = runtime.status
    if current is None:
        async with database.session() as db:
            stored = await _stored_mode(db)
        action = (stored.get("action") or {}).get("action", MaintenanceAction.START.value)
        current = MaintenanceStatusResponseDto(active=True, action=MaintenanceAction(action))
    if current.error and await token_user(database, token) is None:
        return current.model_copy(update={"error": PUBLIC_ERROR})
    return current


def detect_install(settings: Settings) -> MaintenanceDetectInstallResponseDto:
    """What each folder of the media location holds, so an admin can tell a prior install is there."""
    folders = []
    for folder in StorageFolder:
        path = settings.media_root / folder.value
        readable = path.is_dir() and os.access(path, os.R_OK | os.X_OK)
        writable = path.is_dir() and os.access(path, os.W_OK | os.X_OK)
        files = sum(1 for entry in path.iterdir() if not entry.name.startswith(".")) if readable else 0
        folders.append(
            MaintenanceDetectInstallStorageFolderDto(
                folder=folder, readable=readable, writable=writable, files=files
            )
        )
    return MaintenanceDetectInstallResponseDto(storage=folders)
