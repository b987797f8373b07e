"""Dependencies that route signatures read like sentences: ``auth: Auth``, ``db: DbSession``."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.api.state import AppState
from albumen.config import Settings
from albumen.permissions import Permission
from albumen.services.authentication import (
    AuthContext,
    Credential,
    CredentialKind,
    authenticate,
    require_permission,
)
from albumen.services.user_agent import DeviceDetails, device_details

ACCESS_TOKEN_COOKIE = "immich_access_token"


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.albumen
    return state


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_state(request).database.session() as session:
        yield session


def get_settings(request: Request) -> Settings:
    return get_state(request).settings


State = Annotated[AppState, Depends(get_state)]
DbSession = Annotated[AsyncSession, Depends(get_db)]


def credential_from_request(request: Request) -> Credential | None:
    """Immich's order: session tokens (headers, query, bearer, cookie) first, then API keys."""
    headers = request.headers
    session_token = (
        headers.get("x-immich-user-token")
        or headers.get("x-immich-session-token")
        or request.query_params.get("sessionKey")
        or _bearer_token(headers.get("authorization"))
        or request.cookies.get(ACCESS_TOKEN_COOKIE)
    )
    if session_token:
        return Credential(CredentialKind.SESSION, session_token)
    api_key = headers.get("x-api-key") or request.query_params.get("apiKey")
    if api_key:
        return Credential(CredentialKind.API_KEY, api_key)
    return None


def _bearer_token(header: str | None) -> str | None:
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def client_ip(request: Request) -> str:
    """The caller's address; ``X-Forwarded-For`` counts only when the peer is a trusted proxy."""
    peer = request.client.host if request.client else "unknown"
    trusted = get_settings(request).trusted_proxies
    forwarded = request.headers.get("x-forwarded-for")
    if not trusted or not forwarded:
        return peer
    try:
        peer_address = ipaddress.ip_address(peer)
        networks = [
            ipaddress.ip_network(item.strip(), strict=False) for item in trusted.split(",") if item.strip()
        ]
    except ValueError:
        return peer
    if any(peer_address in network for network in networks):
        return forwarded.split(",")[0].strip()
    return peer


def app_device(request: Request) -> DeviceDetails | None:
    """Device details only for the mobile app (cheap check first: parsing browser agents is slow)."""
    agent = request.headers.get("user-agent", "")
    if not agent.lower().startswith("immich"):
        return None
    return device_details(
        agent, device_model=request.headers.get("devicemodel"), device_type=request.headers.get("devicetype")
    )


AuthDependency = Callable[[Request, AsyncSession], Coroutine[Any, Any, AuthContext]]


def authenticated(permission: Permission | None = None, *, admin: bool = False) -> Any:
    """A dependency that authenticates the caller and enforces the route's permission.

    The permission and admin flag are kept on the dependency so tests can walk every route and
    compare them with Immich's ``x-immich-permission`` / ``x-immich-admin-only``.
    """

    async def dependency(request: Request, db: DbSession) -> AuthContext:
        auth = await authenticate(db, credential_from_request(request), app_device=app_device(request))
        require_permission(auth, permission, admin=admin)
        request.state.auth = auth
        return auth

    dependency.albumen_permission = permission  # type: ignore[attr-defined]
    dependency.albumen_admin = admin  # type: ignore[attr-defined]
    return Depends(dependency)


#: Any authenticated caller, without a specific permission.
Auth = Annotated[AuthContext, authenticated()]
