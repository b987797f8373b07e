"""Who an album is shared with: adding users, changing their role, removing them or leaving.

The owner is ``album.owner_id`` (and mirrored as an ``album_user`` row with role ``owner``); there is
exactly one, so ``owner`` can't be given to anyone else here.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.albums import OWNER_ROLE, AlbumRepository
from albumen.dto.albums import AddUsersDto, AlbumResponseDto, AlbumUserRole, UpdateAlbumUserDto
from albumen.permissions import Permission
from albumen.services.access import require_albums
from albumen.services.albums import album_dto, require_users_exist
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError
from albumen.services.notifications import notify_album_invite

#: ``DELETE /albums/{id}/user/me``: the caller leaves the album.
ME = "me"


async def add_users(
    db: AsyncSession, auth: AuthContext, album_id: uuid.UUID, dto: AddUsersDto
) -> AlbumResponseDto:
    """Share with more users (default role ``editor``); users already in the album are skipped."""
    await require_albums(db, auth, Permission.ALBUM_SHARE, [album_id])
    if any(member.role is AlbumUserRole.OWNER for member in dto.albumUsers):
        raise BadRequestError("Cannot add another owner")
    albums = AlbumRepository(db)
    current = {user.id for _, _, user in await albums.members([album_id])}
    new_members = {member.userId: member.role for member in dto.albumUsers if member.userId not in current}
    await require_users_exist(db, list(new_members))
    await albums.add_users(album_id, [(user_id, role.value) for user_id, role in new_members.items()])
    if new_members:
        await albums.refresh_after_change([album_id])
        album = await albums.get(album_id)
        await notify_album_invite(
            db,
            album_id=album_id,
            album_name=album.name if album is not None else "",
            sender_name=auth.user.name,
            user_ids=list(new_members),
        )
    await db.commit()
    return await album_dto(db, auth, album_id)


async def update_user(
    db: AsyncSession, auth: AuthContext, album_id: uuid.UUID, user_id: uuid.UUID, dto: UpdateAlbumUserDto
) -> None:
    await require_albums(db, auth, Permission.ALBUM_SHARE, [album_id])
    albums = AlbumRepository(db)
    role = await albums.member_role(album_id, user_id)
    if role == OWNER_ROLE:
        raise BadRequestError("User is owner")
    if dto.role is AlbumUserRole.OWNER:
        raise BadRequestError("Cannot add another owner")
    if role is None:
        raise BadRequestError("Album not shared with user")
    await albums.set_role(album_id, user_id, dto.role.value)
    await db.commit()


async def remove_user(db: AsyncSession, auth: AuthContext, album_id: uuid.UUID, user: str) -> None:
    """Remove a user (the owner's right) or leave the album (``user`` is ``me`` or the caller's id)."""
    user_id = auth.user_id if user == ME else _parse_user_id(user)
    albums = AlbumRepository(db)
    if await albums.get(album_id) is None:
        raise BadRequestError("Album not found")
    role = await albums.member_role(album_id, user_id)
    if role is None:
        raise BadRequestError("Album not shared with user")
    if role == OWNER_ROLE:
        raise BadRequestError("Cannot remove the last album owner")
    if user_id != auth.user_id:
        await require_albums(db, auth, Permission.ALBUM_SHARE, [album_id])
    await albums.remove_user(album_id, user_id)
    await db.commit()


def _parse_user_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadRequestError(
            "Validation failed",
            errors=[{"code": "custom", "path": ["userId"], "message": 'Must be a UUID v4 or "me"'}],
        ) from None
