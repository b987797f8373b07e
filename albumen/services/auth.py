"""Authentication: the first admin, password login and logout, password and PIN code, locked folder."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.config import Settings
from albumen.db.repositories.sessions import SessionRepository
from albumen.db.repositories.users import UserRepository
from albumen.db.tables import User
from albumen.dto.auth import (
    AuthStatusResponseDto,
    ChangePasswordDto,
    LoginCredentialDto,
    LoginResponseDto,
    LogoutResponseDto,
    PinCodeChangeDto,
    PinCodeResetDto,
    PinCodeSetupDto,
    SessionUnlockDto,
    SignUpDto,
)
from albumen.dto.users import UserAdminResponseDto, to_user_admin_dto
from albumen.services import events, system_config
from albumen.services.authentication import AuthContext
from albumen.services.crypto import hash_password, verify_password
from albumen.services.errors import BadRequestError, UnauthorizedError
from albumen.services.rate_limit import LoginRateLimiter
from albumen.services.sessions import SESSION_TOKEN_REQUIRED, issue_session
from albumen.services.user_agent import DeviceDetails

logger = logging.getLogger(__name__)

#: Where the web client goes after logout; ``autoLaunch=0`` stops it from starting OAuth again at once.
LOGIN_URL = "/auth/login?autoLaunch=0"
#: How long a PIN unlock keeps the locked folder open.
PIN_UNLOCK_DURATION = timedelta(minutes=15)
ADMIN_STORAGE_LABEL = "admin"
ONBOARDING_METADATA_KEY = "onboarding"


async def password_login_enabled(db: AsyncSession, settings: Settings | None = None) -> bool:
    """The admin setting ``passwordLogin.enabled`` (off when only OAuth may log in)."""
    config = await system_config.get_config(db, settings)
    return config.passwordLogin.enabled


async def sign_up_admin(db: AsyncSession, dto: SignUpDto) -> UserAdminResponseDto:
    """Create the first user, the admin; refused once any admin exists."""
    users = UserRepository(db)
    if await users.get_admin() is not None:
        raise BadRequestError("The server already has an admin")
    admin = await users.create(
        email=dto.email,
        name=dto.name,
        password=await asyncio.to_thread(hash_password, dto.password),
        is_admin=True,
        # The admin chose this password moments ago; onboarding happens via system metadata instead.
        should_change_password=False,
        storage_label=ADMIN_STORAGE_LABEL,
    )
    await db.commit()
    return to_user_admin_dto(admin)


async def login(
    db: AsyncSession,
    dto: LoginCredentialDto,
    *,
    device: DeviceDetails,
    client_ip: str,
    limiter: LoginRateLimiter,
    settings: Settings | None = None,
) -> LoginResponseDto:
    """Check the password and open a session; the response carries the session's token once."""
    if not await password_login_enabled(db, settings):
        raise UnauthorizedError("Password login has been disabled")
    limiter.check(account=dto.email, ip=client_ip)
    user = await UserRepository(db).get_by_email(dto.email)
    # Unknown emails still cost one bcrypt check, so timing does not tell which emails exist.
    valid = await asyncio.to_thread(verify_password, dto.password, user.password if user else None)
    if user is None or not valid:
        limiter.record_failure(account=dto.email, ip=client_ip)
        logger.warning("Failed login attempt for user %s from ip address %s", dto.email, client_ip)
        raise UnauthorizedError("Incorrect email or password")
    limiter.record_success(account=dto.email)
    return await create_login_response(db, user, device)


async def create_login_response(
    db: AsyncSession, user: User, device: DeviceDetails, *, oauth_sid: str | None = None
) -> LoginResponseDto:
    """Open a session for ``user`` (password or OAuth login) and commit; the token is shown once."""
    session, token = await issue_session(db, user.id, device)
    if oauth_sid is not None:
        await SessionRepository(db).update(session.id, oauth_sid=oauth_sid)
    await db.commit()
    return LoginResponseDto(
        accessToken=token,
        userId=str(user.id),
        userEmail=user.email,
        name=user.name,
        isAdmin=user.is_admin,
        isOnboarded=await _is_onboarded(db, user),
        profileImagePath=user.profile_image_path,
        shouldChangePassword=user.should_change_password,
    )


async def logout(db: AsyncSession, auth: AuthContext) -> LogoutResponseDto:
    if auth.session is not None:
        await SessionRepository(db).delete(auth.session.id)
        await events.emit(db, "on_session_delete", [auth.session.id], auth.session.id)
        await db.commit()
    return LogoutResponseDto(successful=True, redirectUri=LOGIN_URL)


async def change_password(
    db: AsyncSession, auth: AuthContext, dto: ChangePasswordDto
) -> UserAdminResponseDto:
    """Needs the current password; ``invalidateSessions`` logs out every other device."""
    if not await asyncio.to_thread(_matches, dto.password, auth.user.password):
        raise BadRequestError("Wrong password")
    user = await UserRepository(db).update(
        auth.user_id,
        password=await asyncio.to_thread(hash_password, dto.newPassword),
        should_change_password=False,
    )
    if dto.invalidateSessions:
        except_id = auth.session.id if auth.session is not None else None
        await SessionRepository(db).delete_for_user(auth.user_id, except_id=except_id)
    await db.commit()
    return to_user_admin_dto(user)


async def setup_pin_code(db: AsyncSession, auth: AuthContext, dto: PinCodeSetupDto) -> None:
    if auth.user.pin_code:
        raise BadRequestError("User already has a PIN code")
    await UserRepository(db).update(
        auth.user_id, pin_code=await asyncio.to_thread(hash_password, dto.pinCode)
    )
    await db.commit()


async def change_pin_code(db: AsyncSession, auth: AuthContext, dto: PinCodeChangeDto) -> None:
    await _verify_pin_code_or_password(auth.user, pin_code=dto.pinCode, password=dto.password)
    await UserRepository(db).update(
        auth.user_id, pin_code=await asyncio.to_thread(hash_password, dto.newPinCode)
    )
    await db.commit()


async def reset_pin_code(db: AsyncSession, auth: AuthContext, dto: PinCodeResetDto) -> None:
    """Remove the PIN code; every session's locked folder closes with it."""
    await _verify_pin_code_or_password(auth.user, pin_code=dto.pinCode, password=dto.password)
    await UserRepository(db).update(auth.user_id, pin_code=None)
    await SessionRepository(db).lock_all_for_user(auth.user_id)
    await db.commit()


async def unlock_session(db: AsyncSession, auth: AuthContext, dto: SessionUnlockDto) -> None:
    """Open the locked folder on the caller's session for :data:`PIN_UNLOCK_DURATION`."""
    if auth.session is None:
        raise BadRequestError(SESSION_TOKEN_REQUIRED)
    await _verify_pin_code_or_password(auth.user, pin_code=dto.pinCode, password=dto.password)
    await SessionRepository(db).update(
        auth.session.id, pin_expires_at=datetime.now(UTC) + PIN_UNLOCK_DURATION
    )
    await db.commit()


async def lock_session(db: AsyncSession, auth: AuthContext) -> None:
    if auth.session is None:
        raise BadRequestError(SESSION_TOKEN_REQUIRED)
    await SessionRepository(db).update(auth.session.id, pin_expires_at=None)
    await db.commit()


async def get_auth_status(db: AsyncSession, auth: AuthContext) -> AuthStatusResponseDto:
    session = auth.session
    return AuthStatusResponseDto(
        pinCode=bool(auth.user.pin_code),
        password=bool(auth.user.password),
        isElevated=auth.has_elevated_permission,
        expiresAt=session.expires_at if session is not None else None,
        pinExpiresAt=session.pin_expires_at if session is not None else None,
    )


async def unlink_all_oauth_accounts(db: AsyncSession) -> None:
    """Admin: forget every user's OAuth link (e.g. after switching identity provider)."""
    await UserRepository(db).clear_oauth_ids()
    await db.commit()


async def _verify_pin_code_or_password(user: User, *, pin_code: str | None, password: str | None) -> None:
    """Immich's order: a user without a PIN is refused first; a given password wins over a PIN."""
    if not user.pin_code:
        raise BadRequestError("User does not have a PIN code")
    if password:
        if not await asyncio.to_thread(_matches, password, user.password):
            raise BadRequestError("Wrong password")
    elif pin_code:
        if not await asyncio.to_thread(_matches, pin_code, user.pin_code):
            raise BadRequestError("Wrong PIN code")
    else:
        raise BadRequestError("Either password or pinCode is required")


def _matches(secret: str, hashed: str | None) -> bool:
    """A check against a stored hash; unlike login, an empty hash fails at once (nothing to hide here)."""
    return bool(hashed) and verify_password(secret, hashed)


async def _is_onboarded(db: AsyncSession, user: User) -> bool:
    onboarding = await UserRepository(db).get_metadata(user.id, ONBOARDING_METADATA_KEY)
    return bool(onboarding and onboarding.get("isOnboarded"))
