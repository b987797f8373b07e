"""``Sessions`` DTOs: the devices a user is logged in on."""

from __future__ import annotations

import uuid

from pydantic import Field

from albumen.db.tables import Session
from albumen.dto.base import OmitNoneDto, RequestDto, Timestamp


class SessionResponseDto(OmitNoneDto):
    omit_when_none = frozenset({"expiresAt"})

    id: str
    createdAt: Timestamp
    updatedAt: Timestamp
    expiresAt: Timestamp | None = None
    current: bool
    deviceType: str
    deviceOS: str
    appVersion: str | None
    isPendingSyncReset: bool


class SessionCreateResponseDto(SessionResponseDto):
    token: str


class SessionCreateDto(RequestDto):
    deviceType: str | None = None
    deviceOS: str | None = None
    #: Seconds until the new session expires; without it the session lasts until deleted.
    duration: int | None = Field(None, ge=1, le=9007199254740991)


class SessionUpdateDto(RequestDto):
    isPendingSyncReset: bool | None = None


def to_session_dto(session: Session, current_session_id: uuid.UUID | None = None) -> SessionResponseDto:
    return SessionResponseDto(
        id=str(session.id),
        createdAt=session.created_at,
        updatedAt=session.updated_at,
        expiresAt=session.expires_at,
        current=session.id == current_session_id,
        deviceType=session.device_type,
        deviceOS=session.device_os,
        appVersion=session.app_version,
        isPendingSyncReset=session.is_pending_sync_reset,
    )
