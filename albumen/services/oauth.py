"""OAuth/OIDC login as Immich's ``oauth`` admin settings describe it: start, finish (matching the
provider's subject, then the email, then auto-registering), link and unlink, backchannel logout."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.config import Settings
from albumen.db.repositories.oauth import OAuthRepository
from albumen.db.repositories.sessions import SessionRepository
from albumen.db.repositories.users import UserRepository
from albumen.db.tables import User
from albumen.dto.auth import LoginResponseDto
from albumen.dto.config_admin import AdminConfigOAuthDto
from albumen.dto.oauth import OAuthCallbackDto, OAuthConfigDto
from albumen.dto.users import UserAdminResponseDto, to_user_admin_dto
from albumen.services import oauth_client, system_config
from albumen.services.auth import create_login_response
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError, ServiceUnavailableError
from albumen.services.user_agent import DeviceDetails
from albumen.services.users_admin import sanitize_storage_label

logger = logging.getLogger(__name__)

#: Where ``GET /oauth/mobile-redirect`` sends the browser: the mobile app's callback scheme.
MOBILE_REDIRECT = "app.immich:///oauth-callback"
GIB = 1024**3
LOGIN_FAILED = "OAuth authentication failed"

T = TypeVar("T")


@dataclass(frozen=True)
class StartedOAuth:
    url: str
    state: str
    code_verifier: str | None


@dataclass(frozen=True)
class OAuthCookies:
    """What ``POST /oauth/authorize`` left in the browser (the web client sends no state itself)."""

    state: str | None = None
    code_verifier: str | None = None


def mobile_redirect(query: str) -> str:
    return f"{MOBILE_REDIRECT}?{query}"


async def authorize(db: AsyncSession, settings: Settings, dto: OAuthConfigDto) -> StartedOAuth:
    config = await _enabled_config(db, settings)
    redirect_uri = oauth_client.resolve_redirect_uri(config, dto.redirectUri)
    request = await _call(oauth_client.authorize(config, redirect_uri, dto.state, dto.codeChallenge))
    return StartedOAuth(request.url, request.state, request.code_verifier)


async def callback(
    db: AsyncSession, settings: Settings, dto: OAuthCallbackDto, cookies: OAuthCookies, device: DeviceDetails
) -> LoginResponseDto:
    """Finish the login: the provider's user becomes (or is matched to) an Albumen user with a session."""
    config = await _enabled_config(db, settings)
    profile = await _profile(config, dto, cookies)
    claims = profile.claims
    raw_email = claims.get("email")
    email = raw_email.strip().lower() if isinstance(raw_email, str) and raw_email.strip() else None
    oauth = OAuthRepository(db)
    users = UserRepository(db)
    user = await oauth.user_by_oauth_id(profile.sub)
    if user is None and email:
        by_email = await users.get_by_email(email)
        if by_email is not None:
            if by_email.oauth_id:
                logger.debug("OAuth login conflict: email already linked to different account")
                raise BadRequestError(LOGIN_FAILED)
            user = await users.update(by_email.id, oauth_id=profile.sub)
    if user is None:
        user = await _register(db, config, profile.sub, email, claims)
    return await create_login_response(db, user, device, oauth_sid=profile.sid)


async def link(
    db: AsyncSession, settings: Settings, auth: AuthContext, dto: OAuthCallbackDto, cookies: OAuthCookies
) -> UserAdminResponseDto:
    config = await _enabled_config(db, settings)
    profile = await _profile(config, dto, cookies)
    duplicate = await OAuthRepository(db).user_by_oauth_id(profile.sub)
    if duplicate is not None and duplicate.id != auth.user_id:
        logger.warning(
            "OAuth link account failed: sub is already linked to another user (%s).", duplicate.email
        )
        raise BadRequestError("This OAuth account has already been linked to another user.")
    if auth.session is not None and profile.sid:
        await SessionRepository(db).update(auth.session.id, oauth_sid=profile.sid)
    user = await UserRepository(db).update(auth.user_id, oauth_id=profile.sub)
    await db.commit()
    return to_user_admin_dto(user)


async def unlink(db: AsyncSession, auth: AuthContext) -> UserAdminResponseDto:
    if auth.session is not None:
        await SessionRepository(db).update(auth.session.id, oauth_sid=None)
    user = await UserRepository(db).update(auth.user_id, oauth_id="")
    await db.commit()
    return to_user_admin_dto(user)


async def backchannel_logout(db: AsyncSession, settings: Settings, logout_token: str) -> None:
    """The provider ends a session: delete the logins it opened (``sid``) or all of the user's (``sub``)."""
    config = await system_config.get_config(db, settings)
    if not config.oauth.enabled:
        raise BadRequestError("Received backchannel logout request but OAuth is not enabled")
    try:
        claims = await _call(oauth_client.validate_logout_token(config.oauth, logout_token))
    except oauth_client.OAuthFlowError as error:
        logger.error("Error backchannel logout: %s", error)
        raise BadRequestError("Error backchannel logout: token validation failed") from error
    sid, sub = claims.get("sid"), claims.get("sub")
    if not sid and not sub:
        raise BadRequestError("Invalid logout token: it must contain either a sub or a sid claim")
    await OAuthRepository(db).delete_sessions(
        oauth_sid=str(sid) if sid else None, oauth_id=str(sub) if sub else None
    )
    await db.commit()


async def _enabled_config(db: AsyncSession, settings: Settings) -> AdminConfigOAuthDto:
    config = await system_config.get_config(db, settings)
    if not config.oauth.enabled:
        raise BadRequestError("OAuth is not enabled")
    return config.oauth


async def _profile(
    config: AdminConfigOAuthDto, dto: OAuthCallbackDto, cookies: OAuthCookies
) -> oauth_client.OAuthProfile:
    state = dto.state or cookies.state
    if not state:
        raise BadRequestError("OAuth state is missing")
    code_verifier = dto.codeVerifier or cookies.code_verifier
    if not code_verifier:
        raise BadRequestError("OAuth code verifier is missing")
    url = oauth_client.resolve_redirect_uri(config, dto.url)
    try:
        return await _call(oauth_client.fetch_profile(config, url, state, code_verifier))
    except oauth_client.OAuthFlowError as error:
        logger.error("OAuth login failed: %s", error)
        raise BadRequestError("OAuth login failed") from error


async def _call(step: Any) -> Any:
    """Await a protocol step; an unreachable or unusable provider is the server's problem (503)."""
    try:
        return await step
    except oauth_client.OAuthDiscoveryError as error:
        logger.error("%s", error)
        raise ServiceUnavailableError(str(error)) from error


async def _register(
    db: AsyncSession, config: AdminConfigOAuthDto, sub: str, email: str | None, claims: Mapping[str, Any]
) -> User:
    if not config.autoRegister:
        logger.warning(
            "Unable to register %s/%s. User does not exist and auto registering is disabled.", sub, email
        )
        raise BadRequestError(LOGIN_FAILED)
    if not email:
        raise BadRequestError("OAuth profile does not have an email address")
    logger.info("Registering new user: %s/%s", sub, email)
    storage_label = _claim(claims, config.storageLabelClaim, "", lambda value: isinstance(value, str))
    quota = _claim(claims, config.storageQuotaClaim, config.defaultStorageQuota, _is_quota)
    role = _claim(claims, config.roleClaim, "user", lambda value: value in ("admin", "user"))
    users = UserRepository(db)
    label = sanitize_storage_label(storage_label or None)
    if label is not None and await users.get_by_storage_label(label) is not None:
        raise BadRequestError("Storage label already in use by another account")
    return await users.create(
        email=email,
        name=_display_name(claims, email),
        oauth_id=sub,
        quota_size_in_bytes=None if quota is None else int(float(quota) * GIB),
        storage_label=label,
        is_admin=role == "admin",
        # There is no password to change: the provider owns the credentials.
        should_change_password=False,
    )


def _claim(claims: Mapping[str, Any], key: str, default: T, is_valid: Callable[[Any], bool]) -> T:
    value = claims.get(key)
    return cast(T, value) if is_valid(value) else default


def _is_quota(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    try:
        return float(value) >= 0
    except ValueError:
        return False


def _display_name(claims: Mapping[str, Any], email: str) -> str:
    for candidate in (
        claims.get("name"),
        f"{claims.get('given_name') or ''} {claims.get('family_name') or ''}".strip(),
        claims.get("preferred_username"),
    ):
        if isinstance(candidate, str) and candidate:
            return candidate
    return email
