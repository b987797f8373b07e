"""Dependencies that route signatures read like sentences: ``auth: Auth``, ``db: DbSession``."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import unquote

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
    require_shared_link_route,
)
from albumen.services.user_agent import DeviceDetails, device_details

ACCESS_TOKEN_COOKIE = "immich_access_token"
#: Tokens of the password-protected shared links a visitor logged in to, comma-separated.
SHARED_LINK_TOKEN_COOKIE = "immich_shared_link_token"

#: Operations Immich opens to shared-link visitors (``@Authenticated({ sharedLink: true })``): the ones
#: whose 3.2.2 spec takes ``key``/``slug``. Every other route answers a link with 403.
SHARED_LINK_OPERATIONS = frozenset(
    {
        ("GET", "/albums/{id}"),
        ("GET", "/albums/{id}/map-markers"),
        ("POST", "/assets"),
        ("GET", "/assets/{id}"),
        ("GET", "/assets/{id}/original"),
        ("GET", "/assets/{id}/thumbnail"),
        ("GET", "/assets/{id}/video/playback"),
        ("GET", "/assets/{id}/video/stream/main.m3u8"),
        ("DELETE", "/assets/{id}/video/stream/{sessionId}"),
        ("GET", "/assets/{id}/video/stream/{sessionId}/{variantIndex}/playlist.m3u8"),
        ("GET", "/assets/{id}/video/stream/{sessionId}/{variantIndex}/{filename}"),
        ("POST", "/download/archive"),
        ("POST", "/download/info"),
        ("POST", "/search/metadata"),
        ("POST", "/shared-links/login"),
        ("GET", "/shared-links/me"),
        ("GET", "/timeline/bucket"),
        ("GET", "/timeline/buckets"),
    }
)
#: Where a password-protected link is used before its password was given (to learn it needs one).
SHARED_LINK_PASSWORD_OPERATIONS = frozenset({("POST", "/shared-links/login"), ("GET", "/shared-links/me")})


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
    """Immich's order: shared-link key, then slug, session tokens (headers, query, bearer, cookie), then
    API keys."""
    headers = request.headers
    share_key = headers.get("x-immich-share-key") or request.query_params.get("key")
    share_slug = headers.get("x-immich-share-slug") or request.query_params.get("slug")
    if share_key or share_slug:
        tokens = shared_link_tokens(request)
        if share_key:
            return Credential(CredentialKind.SHARED_LINK_KEY, share_key, link_tokens=tokens)
        return Credential(CredentialKind.SHARED_LINK_SLUG, share_slug or "", link_tokens=tokens)
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


def shared_link_tokens(request: Request) -> tuple[str, ...]:
    """The link-login tokens in the ``immich_shared_link_token`` cookie (comma-separated)."""
    value = unquote(request.cookies.get(SHARED_LINK_TOKEN_COOKIE, ""))
    return tuple(token for token in value.split(",") if token)


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
        if auth.shared_link is not None:
            operation = _operation(request)
            require_shared_link_route(
                auth,
                permission,
                allowed=operation in SHARED_LINK_OPERATIONS,
                needs_password=operation not in SHARED_LINK_PASSWORD_OPERATIONS,
            )
        request.state.auth = auth
        return auth

    dependency.albumen_permission = permission  # type: ignore[attr-defined]
    dependency.albumen_admin = admin  # type: ignore[attr-defined]
    return Depends(dependency)


def _operation(request: Request) -> tuple[str, str]:
    """(method, path template under /api) of the matched route; HEAD counts as GET."""
    route = request.scope.get("route")
    path = getattr(route, "path", "").removeprefix("/api")
    method = "GET" if request.method == "HEAD" else request.method
    return method, path


#: Any authenticated caller, without a specific permission.
Auth = Annotated[AuthContext, authenticated()]
