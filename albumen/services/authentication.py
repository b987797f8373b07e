"""Who is calling: turn a presented credential into an :class:`AuthContext`, and check what it may do."""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.api_keys import ApiKeyRepository
from albumen.db.repositories.sessions import SessionRepository
from albumen.db.repositories.shared_links import SharedLinkRepository
from albumen.db.tables import ApiKey, Session, SharedLink, User
from albumen.permissions import Permission
from albumen.services.crypto import hash_token
from albumen.services.errors import ForbiddenError, UnauthorizedError
from albumen.services.user_agent import DeviceDetails

#: A session's ``updated_at`` is refreshed at most this often, to keep reads free of writes.
SESSION_TOUCH_INTERVAL = timedelta(hours=1)
#: While an unlocked session is in use, its PIN unlock is kept alive at least this long.
PIN_KEEPALIVE = timedelta(minutes=5)


class CredentialKind(StrEnum):
    SESSION = "session"
    API_KEY = "api_key"
    SHARED_LINK_KEY = "shared_link_key"
    SHARED_LINK_SLUG = "shared_link_slug"


@dataclass(frozen=True)
class Credential:
    kind: CredentialKind
    secret: str
    #: Tokens of the password-protected shared links the visitor logged in to (their cookie).
    link_tokens: tuple[str, ...] = ()


@dataclass
class AuthContext:
    user: User
    session: Session | None = None
    api_key: ApiKey | None = None
    permissions: frozenset[str] = field(default_factory=lambda: frozenset({Permission.ALL.value}))
    #: A shared-link visitor acts as the link's owner, limited to what the link grants (services.access).
    shared_link: SharedLink | None = None
    link_tokens: tuple[str, ...] = ()

    @property
    def user_id(self) -> uuid.UUID:
        return self.user.id

    @property
    def has_elevated_permission(self) -> bool:
        """True while a PIN-unlocked session may open the locked folder."""
        expires = self.session.pin_expires_at if self.session is not None else None
        return expires is not None and expires > datetime.now(UTC)

    def is_granted(self, permission: Permission) -> bool:
        return Permission.ALL.value in self.permissions or permission.value in self.permissions


def require_permission(auth: AuthContext, permission: Permission | None, *, admin: bool = False) -> None:
    """Immich's guard: admin-only routes need an admin; API keys need the route's permission (or ``all``)."""
    if admin and not auth.user.is_admin:
        raise ForbiddenError("Forbidden")
    if permission is not None and not auth.is_granted(permission):
        raise ForbiddenError(f"Missing required permission: {permission.value}")


async def authenticate(
    db: AsyncSession, credential: Credential | None, *, app_device: DeviceDetails | None = None
) -> AuthContext:
    """``app_device``: what the mobile app's User-Agent says, so a session follows app upgrades."""
    if credential is None:
        raise UnauthorizedError("Authentication required")
    if credential.kind in (CredentialKind.SHARED_LINK_KEY, CredentialKind.SHARED_LINK_SLUG):
        return await _authenticate_shared_link(db, credential)
    if credential.kind is CredentialKind.API_KEY:
        found_key = await ApiKeyRepository(db).get_by_key_with_user(hash_token(credential.secret))
        if found_key is None:
            raise UnauthorizedError("Invalid API key")
        api_key, user = found_key
        return AuthContext(user=user, api_key=api_key, permissions=frozenset(api_key.permissions))

    sessions = SessionRepository(db)
    found_session = await sessions.get_by_token_with_user(hash_token(credential.secret))
    if found_session is None:
        raise UnauthorizedError("Invalid user token")
    session, user = found_session
    now = datetime.now(UTC)
    if session.expires_at is not None and session.expires_at <= now:
        raise UnauthorizedError("Invalid user token")
    changes: dict[str, object] = {}
    if now - session.updated_at > SESSION_TOUCH_INTERVAL:
        changes["updated_at"] = now
    if app_device is not None and app_device.app_version and app_device.app_version != session.app_version:
        changes.update(app_version=app_device.app_version)
        if app_device.device_os:
            changes["device_os"] = app_device.device_os
        if app_device.device_type:
            changes["device_type"] = app_device.device_type
    if session.pin_expires_at is not None and now < session.pin_expires_at < now + PIN_KEEPALIVE:
        changes["pin_expires_at"] = now + PIN_KEEPALIVE
    if changes:
        session = await sessions.update(session.id, **changes)
        await db.commit()
    return AuthContext(user=user, session=session)


async def _authenticate_shared_link(db: AsyncSession, credential: Credential) -> AuthContext:
    links = SharedLinkRepository(db)
    if credential.kind is CredentialKind.SHARED_LINK_KEY:
        key = decode_link_key(credential.secret)
        found = await links.get_by_key_with_user(key) if key is not None else None
        failure = "Invalid share key"
    else:
        found = await links.get_by_slug_with_user(credential.secret)
        failure = "Invalid share slug"
    if found is None:
        raise UnauthorizedError(failure)
    link, owner = found
    if link.expires_at is not None and link.expires_at <= datetime.now(UTC):
        raise UnauthorizedError(failure)
    return AuthContext(user=owner, shared_link=link, link_tokens=credential.link_tokens)


def decode_link_key(text: str) -> bytes | None:
    """Immich's link keys: 100 hex digits, or (as links show them) base64url without padding."""
    try:
        if len(text) == 100:
            return bytes.fromhex(text)
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, binascii.Error):
        return None


def encode_link_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode().rstrip("=")


def link_login_token(link: SharedLink) -> str:
    """What the ``immich_shared_link_token`` cookie holds for a link: it changes with the password."""
    digest = hashlib.sha256(f"{link.id}-{link.password}".encode()).digest()
    return base64.b64encode(digest).decode()


def require_shared_link_route(
    auth: AuthContext, permission: Permission | None, *, allowed: bool, needs_password: bool = True
) -> None:
    """Immich's guard for shared-link visitors: only routes open to links (403 elsewhere), password
    links only after ``POST /shared-links/login``, uploads only where the link allows them."""
    link = auth.shared_link
    if link is None:
        return
    if not allowed:
        raise ForbiddenError("Forbidden")
    if needs_password and link.password and link_login_token(link) not in auth.link_tokens:
        raise UnauthorizedError("Password required")
    if permission is Permission.ASSET_UPLOAD and not link.allow_upload:
        raise UnauthorizedError("Unauthorized")
