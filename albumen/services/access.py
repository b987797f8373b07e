"""Who may do what to which asset: Immich's access rules, checked in bulk.

Reading (view, download) is allowed to the owner, to partners the owner shares with, and to members
of an album holding the asset; changing it (update, delete, share) only to the owner. A shared-link
visitor reaches only what the link shows (its assets, or its album's), downloads only where the link
allows downloads, and nothing else.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.access import AccessRepository
from albumen.db.tables import SharedLink
from albumen.permissions import Permission
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError

OWNER_ONLY = frozenset(
    {
        Permission.ASSET_UPDATE,
        Permission.ASSET_DELETE,
        Permission.ASSET_SHARE,
        Permission.ASSET_COPY,
        Permission.ASSET_EDIT_CREATE,
        Permission.ASSET_EDIT_DELETE,
    }
)


async def allowed_assets(
    db: AsyncSession, auth: AuthContext, permission: Permission, asset_ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    """The subset of ``asset_ids`` the caller may act on with ``permission``."""
    pending = set(asset_ids)
    access = AccessRepository(db)
    if auth.shared_link is not None:
        return await _shared_link_assets(access, auth.shared_link, permission, pending)
    if permission is Permission.ASSET_SHARE:
        return await access.shareable_assets(auth.user_id, pending)
    # Immich: the locked folder's assets are reachable only from a session unlocked with the PIN.
    allowed = await access.owned_assets(auth.user_id, pending, include_locked=auth.has_elevated_permission)
    pending -= allowed
    if pending and permission not in OWNER_ONLY:
        for lookup in (access.album_assets, access.partner_assets):
            found = await lookup(auth.user_id, pending)
            allowed |= found
            pending -= found
            if not pending:
                break
    return allowed


async def require_assets(
    db: AsyncSession, auth: AuthContext, permission: Permission, asset_ids: Iterable[uuid.UUID]
) -> None:
    """Raise Immich's 400 "Not found or no <permission> access" unless every id is allowed."""
    wanted = set(asset_ids)
    if wanted - await allowed_assets(db, auth, permission, wanted):
        raise BadRequestError(f"Not found or no {permission.value} access")


#: Album permissions open to album members, by the roles that hold them (the owner holds them all).
ALBUM_MEMBER_ROLES: dict[Permission, tuple[str, ...]] = {
    Permission.ALBUM_READ: ("editor", "viewer"),
    Permission.ALBUM_DOWNLOAD: ("editor", "viewer"),
    Permission.ALBUM_ASSET_CREATE: ("editor",),
    Permission.ALBUM_ASSET_DELETE: ("editor",),
}


async def allowed_albums(
    db: AsyncSession, auth: AuthContext, permission: Permission, album_ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    """The subset of ``album_ids`` the caller may act on with ``permission`` (Immich's album rules).

    The owner may do everything; editors may also add and remove assets, viewers only read; updating,
    deleting and sharing the album are the owner's alone.
    """
    pending = set(album_ids)
    access = AccessRepository(db)
    if auth.shared_link is not None:
        return await _shared_link_albums(access, auth.shared_link, permission, pending)
    allowed = await access.owned_albums(auth.user_id, pending)
    roles = ALBUM_MEMBER_ROLES.get(permission)
    if roles and pending - allowed:
        allowed |= await access.shared_albums(auth.user_id, pending - allowed, roles)
    return allowed


async def require_albums(
    db: AsyncSession, auth: AuthContext, permission: Permission, album_ids: Iterable[uuid.UUID]
) -> None:
    """Raise Immich's 400 "Not found or no <permission> access" unless every album is allowed."""
    wanted = set(album_ids)
    if wanted - await allowed_albums(db, auth, permission, wanted):
        raise BadRequestError(f"Not found or no {permission.value} access")


async def _shared_link_assets(
    access: AccessRepository, link: SharedLink, permission: Permission, asset_ids: set[uuid.UUID]
) -> set[uuid.UUID]:
    """Immich's shared-link rules for assets: read and view what the link shows, download only if the
    link allows it; every other permission is refused."""
    if permission in (Permission.ASSET_READ, Permission.ASSET_VIEW) or (
        permission is Permission.ASSET_DOWNLOAD and link.allow_download
    ):
        return await access.shared_link_assets(link.id, asset_ids)
    return set()


async def _shared_link_albums(
    access: AccessRepository, link: SharedLink, permission: Permission, album_ids: set[uuid.UUID]
) -> set[uuid.UUID]:
    """The link's album may be read, downloaded (if allowed) and added to (if uploads are allowed)."""
    if (
        permission is Permission.ALBUM_READ
        or (permission is Permission.ALBUM_DOWNLOAD and link.allow_download)
        or (permission is Permission.ALBUM_ASSET_CREATE and link.allow_upload)
    ):
        return await access.shared_link_albums(link.id, album_ids)
    return set()
