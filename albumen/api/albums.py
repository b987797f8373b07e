"""The ``Albums`` tag (Immich 3.2.2: 13 operations)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from albumen.api.deps import DbSession, authenticated
from albumen.dto.albums import (
    AddUsersDto,
    AlbumResponseDto,
    AlbumsAddAssetsDto,
    AlbumsAddAssetsResponseDto,
    AlbumStatisticsResponseDto,
    CreateAlbumDto,
    MapMarkerResponseDto,
    UpdateAlbumDto,
    UpdateAlbumUserDto,
)
from albumen.dto.asset_ids import BulkIdResponseDto, BulkIdsDto
from albumen.permissions import Permission
from albumen.services import album_access, albums
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/albums", tags=["Albums"])

#: Shared-link access (``?key=``/``?slug=``) is accepted on these reads, as Immich's spec lists it.
SharedLinkKey = Annotated[str | None, Query()]


@router.get("")
async def get_all_albums(
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ALBUM_READ)],
    id: uuid.UUID | None = None,
    name: str | None = None,
    isOwned: bool | None = None,
    isShared: bool | None = None,
    assetId: uuid.UUID | None = None,
) -> list[AlbumResponseDto]:
    return await albums.list_albums(
        db, auth, album_id=id, name=name, is_owned=isOwned, is_shared=isShared, asset_id=assetId
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_album(
    dto: CreateAlbumDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ALBUM_CREATE)]
) -> AlbumResponseDto:
    return await albums.create_album(db, auth, dto)


@router.put("/assets")
async def add_assets_to_albums(
    dto: AlbumsAddAssetsDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ALBUM_ASSET_CREATE)],
) -> AlbumsAddAssetsResponseDto:
    return await albums.add_assets_to_albums(db, auth, dto)


@router.get("/statistics")
async def get_album_statistics(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ALBUM_STATISTICS)]
) -> AlbumStatisticsResponseDto:
    return await albums.statistics(db, auth)


@router.get("/{id}")
async def get_album_info(
    id: uuid.UUID,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ALBUM_READ)],
    key: SharedLinkKey = None,
    slug: SharedLinkKey = None,
) -> AlbumResponseDto:
    return await albums.get_album(db, auth, id)


@router.patch("/{id}")
async def update_album_info(
    id: uuid.UUID,
    dto: UpdateAlbumDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ALBUM_UPDATE)],
) -> AlbumResponseDto:
    return await albums.update_album(db, auth, id, dto)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_album(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ALBUM_DELETE)]
) -> None:
    await albums.delete_album(db, auth, id)


@router.put("/{id}/assets")
async def add_assets_to_album(
    id: uuid.UUID,
    dto: BulkIdsDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ALBUM_ASSET_CREATE)],
) -> list[BulkIdResponseDto]:
    return await albums.add_assets(db, auth, id, dto.ids)


@router.delete("/{id}/assets")
async def remove_asset_from_album(
    id: uuid.UUID,
    dto: BulkIdsDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ALBUM_ASSET_DELETE)],
) -> list[BulkIdResponseDto]:
    return await albums.remove_assets(db, auth, id, dto.ids)


@router.get("/{id}/map-markers")
async def get_album_map_markers(
    id: uuid.UUID,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ALBUM_READ)],
    key: SharedLinkKey = None,
    slug: SharedLinkKey = None,
) -> list[MapMarkerResponseDto]:
    return await albums.map_markers(db, auth, id)


@router.put("/{id}/users")
async def add_users_to_album(
    id: uuid.UUID,
    dto: AddUsersDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ALBUM_USER_CREATE)],
) -> AlbumResponseDto:
    return await album_access.add_users(db, auth, id, dto)


@router.put("/{id}/user/{userId}", status_code=status.HTTP_204_NO_CONTENT)
async def update_album_user(
    id: uuid.UUID,
    userId: uuid.UUID,
    dto: UpdateAlbumUserDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ALBUM_USER_UPDATE)],
) -> None:
    await album_access.update_user(db, auth, id, userId, dto)


@router.delete("/{id}/user/{userId}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_user_from_album(
    id: uuid.UUID,
    userId: str,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ALBUM_USER_DELETE)],
) -> None:
    """``userId`` may be ``me``: the caller leaves the album."""
    await album_access.remove_user(db, auth, id, userId)
