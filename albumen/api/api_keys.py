"""The ``API keys`` tag: the caller's API keys."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, status

from albumen.api.deps import Auth, DbSession, authenticated
from albumen.dto.api_keys import ApiKeyCreateDto, ApiKeyCreateResponseDto, ApiKeyResponseDto, ApiKeyUpdateDto
from albumen.permissions import Permission
from albumen.services import api_keys as api_key_service
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/api-keys", tags=["API keys"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_api_key(
    dto: ApiKeyCreateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.API_KEY_CREATE)],
) -> ApiKeyCreateResponseDto:
    return await api_key_service.create_api_key(db, auth, dto)


@router.get("")
async def get_api_keys(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.API_KEY_READ)]
) -> list[ApiKeyResponseDto]:
    return await api_key_service.list_api_keys(db, auth)


# Declared before "/{id}" so "me" is not read as an id. Any key may read itself, whatever it may do.
@router.get("/me")
async def get_my_api_key(db: DbSession, auth: Auth) -> ApiKeyResponseDto:
    return await api_key_service.get_my_api_key(db, auth)


@router.get("/{id}")
async def get_api_key(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.API_KEY_READ)]
) -> ApiKeyResponseDto:
    return await api_key_service.get_api_key(db, auth, id)


@router.put("/{id}")
async def update_api_key(
    id: uuid.UUID,
    dto: ApiKeyUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.API_KEY_UPDATE)],
) -> ApiKeyResponseDto:
    return await api_key_service.update_api_key(db, auth, id, dto)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_api_key(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.API_KEY_DELETE)]
) -> None:
    await api_key_service.delete_api_key(db, auth, id)


@router.post("/{id}/rotate", status_code=status.HTTP_201_CREATED)
async def rotate_api_key(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.API_KEY_ROTATE)]
) -> ApiKeyCreateResponseDto:
    return await api_key_service.rotate_api_key(db, auth, id)
