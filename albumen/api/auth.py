"""The ``Authentication`` tag: admin sign-up, login/logout, password, PIN code and locked folder."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from albumen.api.deps import ACCESS_TOKEN_COOKIE, Auth, DbSession, State, authenticated, client_ip
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
    ValidateAccessTokenResponseDto,
)
from albumen.dto.users import UserAdminResponseDto
from albumen.permissions import Permission
from albumen.services import auth as auth_service
from albumen.services.authentication import AuthContext
from albumen.services.rate_limit import LoginRateLimiter
from albumen.services.user_agent import DeviceDetails, device_details

router = APIRouter(prefix="/auth", tags=["Authentication"])

AUTH_TYPE_COOKIE = "immich_auth_type"
IS_AUTHENTICATED_COOKIE = "immich_is_authenticated"
PASSWORD_AUTH_TYPE = "password"
#: Immich keeps its cookies for 400 days (the most browsers allow) and lets the session decide validity.
COOKIE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60


def login_rate_limiter(request: Request) -> LoginRateLimiter:
    """One limiter per app, created on first use."""
    limiter: LoginRateLimiter | None = getattr(request.app.state, "login_rate_limiter", None)
    if limiter is None:
        limiter = request.app.state.login_rate_limiter = LoginRateLimiter()
    return limiter


def request_device(request: Request) -> DeviceDetails:
    headers = request.headers
    return device_details(
        headers.get("user-agent"),
        device_model=headers.get("devicemodel"),
        device_type=headers.get("devicetype"),
    )


def _is_secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_auth_cookies(response: Response, request: Request, token: str, auth_type: str) -> None:
    """NOTES.md §2: the mobile app (3.x) authenticates only with the cookie captured here."""
    cookies = (
        (ACCESS_TOKEN_COOKIE, token, True),
        (AUTH_TYPE_COOKIE, auth_type, True),
        # Readable by the web client's JavaScript, so it knows a session exists.
        (IS_AUTHENTICATED_COOKIE, "true", False),
    )
    for name, value, http_only in cookies:
        response.set_cookie(
            name,
            value,
            max_age=COOKIE_MAX_AGE_SECONDS,
            expires=COOKIE_MAX_AGE_SECONDS,
            path="/",
            secure=_is_secure(request),
            httponly=http_only,
            samesite="lax",
        )


def clear_auth_cookies(response: Response, request: Request) -> None:
    for name, http_only in (
        (ACCESS_TOKEN_COOKIE, True),
        (AUTH_TYPE_COOKIE, True),
        (IS_AUTHENTICATED_COOKIE, False),
    ):
        response.delete_cookie(name, path="/", secure=_is_secure(request), httponly=http_only, samesite="lax")


@router.post("/admin-sign-up", status_code=status.HTTP_201_CREATED)
async def sign_up_admin(dto: SignUpDto, db: DbSession) -> UserAdminResponseDto:
    return await auth_service.sign_up_admin(db, dto)


@router.post("/login", status_code=status.HTTP_201_CREATED)
async def login(
    dto: LoginCredentialDto,
    request: Request,
    response: Response,
    db: DbSession,
    state: State,
    limiter: Annotated[LoginRateLimiter, Depends(login_rate_limiter)],
) -> LoginResponseDto:
    result = await auth_service.login(
        db,
        dto,
        device=request_device(request),
        client_ip=client_ip(request),
        limiter=limiter,
        settings=state.settings,
    )
    set_auth_cookies(response, request, result.accessToken, PASSWORD_AUTH_TYPE)
    return result


@router.post("/logout")
async def logout(request: Request, response: Response, db: DbSession, auth: Auth) -> LogoutResponseDto:
    result = await auth_service.logout(db, auth)
    clear_auth_cookies(response, request)
    return result


@router.post("/validateToken")
async def validate_access_token(auth: Auth) -> ValidateAccessTokenResponseDto:
    return ValidateAccessTokenResponseDto(authStatus=True)


@router.post("/change-password")
async def change_password(
    dto: ChangePasswordDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.AUTH_CHANGE_PASSWORD)],
) -> UserAdminResponseDto:
    return await auth_service.change_password(db, auth, dto)


@router.get("/status")
async def get_auth_status(db: DbSession, auth: Auth) -> AuthStatusResponseDto:
    return await auth_service.get_auth_status(db, auth)


@router.post("/pin-code", status_code=status.HTTP_204_NO_CONTENT)
async def setup_pin_code(
    dto: PinCodeSetupDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.PIN_CODE_CREATE)],
) -> None:
    await auth_service.setup_pin_code(db, auth, dto)


@router.put("/pin-code", status_code=status.HTTP_204_NO_CONTENT)
async def change_pin_code(
    dto: PinCodeChangeDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.PIN_CODE_UPDATE)],
) -> None:
    await auth_service.change_pin_code(db, auth, dto)


@router.delete("/pin-code", status_code=status.HTTP_204_NO_CONTENT)
async def reset_pin_code(
    dto: PinCodeResetDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.PIN_CODE_DELETE)],
) -> None:
    await auth_service.reset_pin_code(db, auth, dto)


@router.post("/session/unlock", status_code=status.HTTP_204_NO_CONTENT)
async def unlock_auth_session(dto: SessionUnlockDto, db: DbSession, auth: Auth) -> None:
    await auth_service.unlock_session(db, auth, dto)


@router.post("/session/lock", status_code=status.HTTP_204_NO_CONTENT)
async def lock_auth_session(db: DbSession, auth: Auth) -> None:
    await auth_service.lock_session(db, auth)
