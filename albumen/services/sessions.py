"""Sessions: the logins a user holds (one per device), their listing, revocation and locking."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.sessions import SessionRepository
from albumen.db.tables import Session
from albumen.dto.sessions import (
    SessionCreateDto,
    SessionCreateResponseDto,
    SessionResponseDto,
    SessionUpdateDto,
    to_session_dto,
)
from albumen.permissions import Permission
from albumen.services import events
from albumen.services.authentication import AuthContext
from albumen.services.crypto import hash_token, new_token
from albumen.services.errors import BadRequestError
from albumen.services.user_agent import DeviceDetails

SESSION_TOKEN_REQUIRED = "This endpoint can only be used with a session token"


async def issue_session(
    db: AsyncSession,
    user_id: uuid.UUID,
    device: DeviceDetails,
    *,
    parent_id: uuid.UUID | None = None,
    expires_at: datetime | None = None,
) -> tuple[Session, str]:
    """Create a session and return it with its token; only the token's hash is stored."""
    token = new_token()
    session = await SessionRepository(db).create(
        token=hash_token(token),
        user_id=user_id,
        parent_id=parent_id,
        device_type=device.device_type,
        device_os=device.device_os,
        app_version=device.app_version,
        expires_at=expires_at,
    )
    return session, token


async def list_sessions(db: AsyncSession, auth: AuthContext) -> list[SessionResponseDto]:
    sessions = await SessionRepository(db).list_active_for_user(auth.user_id, datetime.now(UTC))
    current_id = auth.session.id if auth.session is not None else None
    return [to_session_dto(session, current_id) for session in sessions]


async def create_session(
    db: AsyncSession, auth: AuthContext, dto: SessionCreateDto
) -> SessionCreateResponseDto:
    """A child session of the caller's (e.g. handed to a Chromecast), deleted along with its parent."""
    if auth.session is None:
        raise BadRequestError(SESSION_TOKEN_REQUIRED)
    expires_at = datetime.now(UTC) + timedelta(seconds=dto.duration) if dto.duration else None
    device = DeviceDetails(device_type=dto.deviceType or "", device_os=dto.deviceOS or "")
    session, token = await issue_session(
        db, auth.user_id, device, parent_id=auth.session.id, expires_at=expires_at
    )
    await db.commit()
    return SessionCreateResponseDto(**dict(to_session_dto(session)), token=token)


async def update_session(
    db: AsyncSession, auth: AuthContext, session_id: uuid.UUID, dto: SessionUpdateDto
) -> SessionResponseDto:
    session = await _owned_session(db, auth, session_id, Permission.SESSION_UPDATE)
    if dto.isPendingSyncReset is not None:
        session = await SessionRepository(db).update(session_id, is_pending_sync_reset=dto.isPendingSyncReset)
        await db.commit()
    return to_session_dto(session, auth.session.id if auth.session is not None else None)


async def delete_session(db: AsyncSession, auth: AuthContext, session_id: uuid.UUID) -> None:
    await _owned_session(db, auth, session_id, Permission.SESSION_DELETE)
    await SessionRepository(db).delete(session_id)
    await events.emit(db, "on_session_delete", [session_id], session_id)
    await db.commit()


async def delete_all_sessions(db: AsyncSession, auth: AuthContext) -> None:
    """Log out every other device; the caller's own session survives."""
    except_id = auth.session.id if auth.session is not None else None
    await SessionRepository(db).delete_for_user(auth.user_id, except_id=except_id)
    await db.commit()


async def lock_session(db: AsyncSession, auth: AuthContext, session_id: uuid.UUID) -> None:
    """Close the locked folder on one of the caller's sessions (it must unlock with the PIN again)."""
    await _owned_session(db, auth, session_id, Permission.SESSION_LOCK)
    await SessionRepository(db).update(session_id, pin_expires_at=None)
    await db.commit()


async def _owned_session(
    db: AsyncSession, auth: AuthContext, session_id: uuid.UUID, permission: Permission
) -> Session:
    # Immich answers 400 for another user's session exactly as for a missing one, so ids leak nothing.
    session = await SessionRepository(db).get_for_user(auth.user_id, session_id)
    if session is None:
        raise BadRequestError(f"Not found or no {permission.value} access")
    return session
