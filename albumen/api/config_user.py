"""The ``Config (user)`` tag: the parts of the server config any signed-in user may read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from albumen.api.deps import DbSession, State, authenticated
from albumen.dto.config_user import UserConfigDto
from albumen.permissions import Permission
from albumen.services import system_config
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/config", tags=["Config (user)"])


@router.get("")
async def get_user_config(
    db: DbSession, state: State, auth: Annotated[AuthContext, authenticated(Permission.USER_CONFIG_READ)]
) -> UserConfigDto:
    return await system_config.get_user_config(db, state.settings)


@router.get("/defaults")
async def get_user_config_defaults(
    state: State, auth: Annotated[AuthContext, authenticated(Permission.USER_CONFIG_READ)]
) -> UserConfigDto:
    return system_config.get_user_config_defaults(state.settings)
