"""The ``System config`` tag: Immich's pre-3.2 config endpoints, deprecated but still used by clients."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from albumen.api.deps import DbSession, State, authenticated
from albumen.dto.config_admin import AdminConfigDto, SystemConfigTemplateStorageOptionDto
from albumen.permissions import Permission
from albumen.services import system_config
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/system-config", tags=["System config"])


@router.get("")
async def get_config(
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.SYSTEM_CONFIG_READ, admin=True)],
) -> AdminConfigDto:
    return await system_config.get_config(db, state.settings)


@router.put("")
async def update_config(
    changes: Annotated[dict[str, Any], Body()],
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.SYSTEM_CONFIG_UPDATE, admin=True)],
) -> AdminConfigDto:
    return await system_config.update_config(db, state.settings, changes)


@router.get("/defaults")
async def get_config_defaults(
    state: State, auth: Annotated[AuthContext, authenticated(Permission.SYSTEM_CONFIG_READ, admin=True)]
) -> AdminConfigDto:
    return system_config.get_defaults(state.settings)


@router.get("/storage-template-options")
async def get_storage_template_options(
    auth: Annotated[AuthContext, authenticated(Permission.SYSTEM_CONFIG_READ, admin=True)],
) -> SystemConfigTemplateStorageOptionDto:
    return system_config.storage_template_options()
