"""The ``Maintenance (admin)`` tag's maintenance-mode operations, the guard that turns other callers
away while maintenance mode is on, and the dependency that lets the maintenance token act as admin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from albumen.api.deps import DbSession, State, authenticated, credential_from_request, get_state
from albumen.api.state import AppState
from albumen.dto.maintenance import (
    MaintenanceAuthDto,
    MaintenanceDetectInstallResponseDto,
    MaintenanceLoginDto,
    MaintenanceStatusResponseDto,
    SetMaintenanceModeDto,
)
from albumen.permissions import Permission
from albumen.services import maintenance
from albumen.services.authentication import AuthContext, authenticate

router = APIRouter()

#: Answer normally while maintenance mode is on, whoever asks: probes, what the web app needs to
#: show the maintenance page, and the ways in.
OPEN_DURING_MAINTENANCE = frozenset(
    {
        "/api/server/ping",
        "/api/server/ready",
        "/api/server/version",
        "/api/server/config",
        "/api/server/features",
        "/api/admin/maintenance/status",
        "/api/admin/maintenance/login",
        "/api/auth/login",
    }
)


def admin_or_maintenance_token(permission: Permission) -> Any:
    """Like ``authenticated(permission, admin=True)``, but during maintenance mode the maintenance
    token cookie also admits (it is how the admin of a fresh install picks a backup to restore)."""
    admin_only = authenticated(permission, admin=True).dependency

    async def dependency(request: Request, db: DbSession) -> AuthContext | None:
        token = request.cookies.get(maintenance.COOKIE)
        if (
            token
            and credential_from_request(request) is None
            and await maintenance.token_user(get_state(request).database, token) is not None
        ):
            return None
        auth: AuthContext = await admin_only(request, db)
        return auth

    dependency.albumen_permission = permission  # type: ignore[attr-defined]
    dependency.albumen_admin = True  # type: ignore[attr-defined]
    return Depends(dependency)


MaintenanceAdmin = Annotated[AuthContext | None, admin_or_maintenance_token(Permission.MAINTENANCE)]


def set_token_cookie(response: Response, token: str) -> None:
    response.set_cookie(maintenance.COOKIE, token, path="/", httponly=True, samesite="lax")


@router.post("/admin/maintenance", status_code=status.HTTP_201_CREATED)
async def set_maintenance_mode(
    body: SetMaintenanceModeDto, state: State, response: Response, auth: MaintenanceAdmin, request: Request
) -> None:
    username = auth.user.name if auth is not None else await _token_username(request, state)
    token = await maintenance.set_mode(state.database, state.settings, body, username)
    if token is not None:
        set_token_cookie(response, token)


async def _token_username(request: Request, state: AppState) -> str:
    user = await maintenance.token_user(state.database, request.cookies.get(maintenance.COOKIE))
    return user.username if user is not None else "admin"


@router.get("/admin/maintenance/status")
async def get_maintenance_status(state: State, request: Request) -> MaintenanceStatusResponseDto:
    return await maintenance.status(state.database, request.cookies.get(maintenance.COOKIE))


@router.get("/admin/maintenance/detect-install")
async def detect_prior_install(state: State, auth: MaintenanceAdmin) -> MaintenanceDetectInstallResponseDto:
    return maintenance.detect_install(state.settings)


@router.post("/admin/maintenance/login", status_code=status.HTTP_201_CREATED)
async def maintenance_login(
    body: MaintenanceLoginDto, state: State, request: Request, response: Response
) -> MaintenanceAuthDto:
    token = body.token or request.cookies.get(maintenance.COOKIE)
    user = await maintenance.login(state.database, token)
    assert token is not None
    set_token_cookie(response, token)
    return user


class MaintenanceModeMiddleware:
    """Pure ASGI: while maintenance mode is on, API requests from anyone but an admin (or the
    maintenance token's holder) get 503, except the few in :data:`OPEN_DURING_MAINTENANCE`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/api/") or path in OPEN_DURING_MAINTENANCE:
            await self.app(scope, receive, send)
            return
        state: AppState = scope["app"].state.albumen
        if not await maintenance.is_enabled_cached(state.database) or await _is_admin(Request(scope), state):
            await self.app(scope, receive, send)
            return
        response = JSONResponse({"message": maintenance.MAINTENANCE_MESSAGE}, status_code=503)
        await response(scope, receive, send)


async def _is_admin(request: Request, state: AppState) -> bool:
    if await maintenance.token_user(state.database, request.cookies.get(maintenance.COOKIE)) is not None:
        return True
    credential = credential_from_request(request)
    if credential is None:
        return False
    try:
        async with state.database.session() as db:
            auth = await authenticate(db, credential)
    except Exception:
        return False
    return bool(auth.user.is_admin) and auth.shared_link is None
