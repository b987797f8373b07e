"""The ``Sessions`` tag: the devices the caller is logged in on."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, status

from albumen.api.deps import DbSession, authenticated
from albumen.dto.sessions import (
    SessionCreateDto,
    SessionCreateResponseDto,
    SessionResponseDto,
    SessionUpdateDto,
)
from albumen.permissions import Permission
from albumen.services import sessions as session_service
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/sessions", tags=["Sessions"])


@router.get("")
async def get_sessions(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.SESSION_READ)]
) -> list[SessionResponseDto]:
    return await session_service.list_sessions(db, auth)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_session(
    dto: SessionCreateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.SESSION_CREATE)],
) -> SessionCreateResponseDto:
    return await session_service.create_session(db, auth, dto)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
async def delete_all_sessions(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.SESSION_DELETE)]
) -> None:
    await session_service.delete_all_sessions(db, auth)


@router.put("/{id}")
async def update_session(
    id: uuid.UUID,
    dto: SessionUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.SESSION_UPDATE)],
) -> SessionResponseDto:
    return await session_service.update_session(db, auth, id, dto)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_session(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.SESSION_DELETE)]
) -> None:
    await session_service.delete_session(db, auth, id)


@router.post("/{id}/lock", status_code=status.HTTP_204_NO_CONTENT)
async def lock_session(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.SESSION_LOCK)]
) -> None:
    await session_service.lock_session(db, auth, id)
