"""The ``Config (admin)`` tag: the admin-editable server config (Immich 3.2's home for it)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from albumen.api.deps import DbSession, State, authenticated
from albumen.dto.config_admin import AdminConfigDto
from albumen.permissions import Permission
from albumen.services import system_config
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/admin/config", tags=["Config (admin)"])


@router.get("")
async def get_admin_config(
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.ADMIN_CONFIG_READ, admin=True)],
) -> AdminConfigDto:
    return await system_config.get_config(db, state.settings)


@router.put("")
async def update_admin_config(
    # A plain object here: the service merges it over the current config and validates the result,
    # so a client may send one section (Immich's web sends the whole document).
    changes: Annotated[dict[str, Any], Body()],
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.ADMIN_CONFIG_UPDATE, admin=True)],
) -> AdminConfigDto:
    return await system_config.update_config(db, state.settings, changes)


@router.get("/defaults")
async def get_admin_config_defaults(
    state: State, auth: Annotated[AuthContext, authenticated(Permission.ADMIN_CONFIG_READ, admin=True)]
) -> AdminConfigDto:
    return system_config.get_defaults(state.settings)
