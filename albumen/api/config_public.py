"""The ``Config (public)`` tag: what the login page needs to know, without authentication."""

from __future__ import annotations

from fastapi import APIRouter

from albumen.api.deps import DbSession, State
from albumen.dto.config_user import PublicConfigDto
from albumen.services import system_config

router = APIRouter(prefix="/public/config", tags=["Config (public)"])


@router.get("")
async def get_public_config(db: DbSession, state: State) -> PublicConfigDto:
    return await system_config.get_public_config(db, state.settings)


@router.get("/defaults")
async def get_public_config_defaults(state: State) -> PublicConfigDto:
    return system_config.get_public_config_defaults(state.settings)
