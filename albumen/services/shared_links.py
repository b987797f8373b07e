"""Shared links: an album or a hand-picked set of assets, opened by anyone holding the key or slug.

A link is its creator's alone to list and change. A visitor authenticates with the link
(``services.authentication``) and acts as the creator, limited to what the link shows
(``services.access``); a password-protected link first needs ``POST /shared-links/login``, whose token
the visitor keeps in the ``immich_shared_link_token`` cookie.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.albums import AlbumRepository
from albumen.db.repositories.assets import AssetRepository
from albumen.db.repositories.shared_links import SharedLinkRepository
from albumen.db.tables import SharedLink
from albumen.dto.albums import AlbumResponseDto
from albumen.dto.assets import AssetResponseDto, to_asset_dto
from albumen.dto.shared_links import (
    AssetIdErrorReason,
    AssetIdsDto,
    AssetIdsResponseDto,
    SanitizedAssetResponseDto,
    SharedLinkCreateDto,
    SharedLinkEditDto,
    SharedLinkResponseDto,
    SharedLinkType,
    to_sanitized_asset_dto,
)
from albumen.permissions import Permission
from albumen.services.access import allowed_assets, require_albums, require_assets
from albumen.services.albums import album_dto
from albumen.services.authentication import AuthContext, encode_link_key, link_login_token
from albumen.services.errors import BadRequestError, ForbiddenError, UnauthorizedError

#: Immich's link keys are 50 random bytes.
KEY_BYTES = 50


async def list_links(
    db: AsyncSession, auth: AuthContext, *, link_id: uuid.UUID | None, album_id: uuid.UUID | None
) -> list[SharedLinkResponseDto]:
    links = await SharedLinkRepository(db).list_for_user(auth.user_id, link_id=link_id, album_id=album_id)
    return await _to_dtos(db, auth, links, strip_metadata=False)


async def get_link(db: AsyncSession, auth: AuthContext, link_id: uuid.UUID) -> SharedLinkResponseDto:
    return (await _to_dtos(db, auth, [await _find(db, auth, link_id)], strip_metadata=False))[0]


async def create_link(db: AsyncSession, auth: AuthContext, dto: SharedLinkCreateDto) -> SharedLinkResponseDto:
    asset_ids = list(dict.fromkeys(dto.assetIds or []))
    if dto.type is SharedLinkType.ALBUM:
        if dto.albumId is None:
            raise BadRequestError("Invalid albumId")
        await require_albums(db, auth, Permission.ALBUM_SHARE, [dto.albumId])
        asset_ids = []
    else:
        if not asset_ids:
            raise BadRequestError("Invalid assetIds")
        await require_assets(db, auth, Permission.ASSET_SHARE, asset_ids)
    links = SharedLinkRepository(db)
    try:
        link = await links.create(
            key=secrets.token_bytes(KEY_BYTES),
            user_id=auth.user_id,
            type=dto.type.value,
            album_id=dto.albumId if dto.type is SharedLinkType.ALBUM else None,
            description=dto.description,
            password=dto.password,
            slug=dto.slug,
            expires_at=dto.expiresAt,
            allow_upload=True if dto.allowUpload is None else dto.allowUpload,
            # Immich: a link that hides metadata never allows downloads (the originals carry it).
            allow_download=False if dto.showMetadata is False else dto.allowDownload is not False,
            show_exif=dto.showMetadata is not False,
        )
        await links.add_assets(link.id, asset_ids)
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise BadRequestError("Failed to save shared link") from None
    return (await _to_dtos(db, auth, [link], strip_metadata=False))[0]


async def update_link(
    db: AsyncSession, auth: AuthContext, link_id: uuid.UUID, dto: SharedLinkEditDto
) -> SharedLinkResponseDto:
    link = await _find(db, auth, link_id)
    given = dto.model_fields_set
    changes: dict[str, object] = {
        column: getattr(dto, field)
        for field, column in (
            ("description", "description"),
            ("password", "password"),
            ("slug", "slug"),
            ("expiresAt", "expires_at"),
        )
        if field in given
    }
    if dto.changeExpiryTime and dto.expiresAt is None:
        changes["expires_at"] = None
    for field, column in (
        ("allowUpload", "allow_upload"),
        ("allowDownload", "allow_download"),
        ("showMetadata", "show_exif"),
    ):
        if getattr(dto, field) is not None:
            changes[column] = getattr(dto, field)
    links = SharedLinkRepository(db)
    try:
        await links.update(link.id, **changes)
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise BadRequestError("Failed to save shared link") from None
    await db.refresh(link)
    return (await _to_dtos(db, auth, [link], strip_metadata=False))[0]


async def delete_link(db: AsyncSession, auth: AuthContext, link_id: uuid.UUID) -> None:
    link = await _find(db, auth, link_id)
    await SharedLinkRepository(db).delete(link.id)
    await db.commit()


async def my_link(db: AsyncSession, auth: AuthContext) -> SharedLinkResponseDto:
    """``GET /shared-links/me``: the link the visitor came with, once its password was given."""
    link = await _visited(db, auth)
    if link.password and link_login_token(link) not in auth.link_tokens:
        raise UnauthorizedError("Password required")
    return (await _to_dtos(db, auth, [link], strip_metadata=not link.show_exif))[0]


async def login(db: AsyncSession, auth: AuthContext, password: str) -> tuple[SharedLinkResponseDto, str]:
    """Check a password-protected link's password; returns the link and the token for the cookie."""
    link = await _visited(db, auth)
    if not link.password:
        raise BadRequestError("Shared link is not password protected")
    if not secrets.compare_digest(link.password.encode(), password.encode()):
        raise UnauthorizedError("Invalid password")
    dto = (await _to_dtos(db, auth, [link], strip_metadata=not link.show_exif))[0]
    return dto, link_login_token(link)


async def add_assets(
    db: AsyncSession, auth: AuthContext, link_id: uuid.UUID, dto: AssetIdsDto
) -> list[AssetIdsResponseDto]:
    link = await _find_individual(db, auth, link_id)
    links = SharedLinkRepository(db)
    present = await links.all_asset_ids(link.id)
    shareable = await allowed_assets(db, auth, Permission.ASSET_SHARE, set(dto.assetIds) - present)
    results: list[AssetIdsResponseDto] = []
    added: list[uuid.UUID] = []
    for asset_id in dto.assetIds:
        if asset_id in present:
            results.append(_failure(asset_id, AssetIdErrorReason.DUPLICATE))
        elif asset_id not in shareable:
            results.append(_failure(asset_id, AssetIdErrorReason.NO_PERMISSION))
        else:
            present.add(asset_id)
            added.append(asset_id)
            results.append(AssetIdsResponseDto(assetId=str(asset_id), success=True))
    await links.add_assets(link.id, added)
    await db.commit()
    return results


async def remove_assets(
    db: AsyncSession, auth: AuthContext, link_id: uuid.UUID, dto: AssetIdsDto
) -> list[AssetIdsResponseDto]:
    link = await _find_individual(db, auth, link_id)
    links = SharedLinkRepository(db)
    present = await links.all_asset_ids(link.id)
    results: list[AssetIdsResponseDto] = []
    removed: list[uuid.UUID] = []
    for asset_id in dto.assetIds:
        if asset_id not in present:
            results.append(_failure(asset_id, AssetIdErrorReason.NOT_FOUND))
            continue
        present.discard(asset_id)
        removed.append(asset_id)
        results.append(AssetIdsResponseDto(assetId=str(asset_id), success=True))
    await links.remove_assets(link.id, removed)
    await db.commit()
    return results


async def add_uploaded_asset(db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID) -> None:
    """An upload through a link lands in the link's album, or among an individual link's assets."""
    link = auth.shared_link
    if link is None:
        return
    if link.album_id is not None:
        albums = AlbumRepository(db)
        if await albums.add_assets([link.album_id], [asset_id]):
            await albums.refresh_after_change([link.album_id])
    else:
        await SharedLinkRepository(db).add_assets(link.id, [asset_id])


def _failure(asset_id: uuid.UUID, reason: AssetIdErrorReason) -> AssetIdsResponseDto:
    return AssetIdsResponseDto(assetId=str(asset_id), success=False, error=reason)


async def _find(db: AsyncSession, auth: AuthContext, link_id: uuid.UUID) -> SharedLink:
    link = await SharedLinkRepository(db).get(auth.user_id, link_id)
    if link is None:
        raise BadRequestError("Shared link not found")
    return link


async def _find_individual(db: AsyncSession, auth: AuthContext, link_id: uuid.UUID) -> SharedLink:
    link = await _find(db, auth, link_id)
    if link.type != SharedLinkType.INDIVIDUAL:
        raise BadRequestError("Invalid shared link type")
    return link


async def _visited(db: AsyncSession, auth: AuthContext) -> SharedLink:
    if auth.shared_link is None:
        raise ForbiddenError("Forbidden")
    return await _find(db, auth, auth.shared_link.id)


async def _to_dtos(
    db: AsyncSession, auth: AuthContext, links: Sequence[SharedLink], *, strip_metadata: bool
) -> list[SharedLinkResponseDto]:
    """Links with their assets (individual links) and album, in few queries whatever the count."""
    asset_ids = await SharedLinkRepository(db).asset_ids([link.id for link in links])
    wanted = list({asset_id for ids in asset_ids.values() for asset_id in ids})
    rows = await AssetRepository(db).get_many_with_exif(wanted)
    albums: dict[uuid.UUID, AlbumResponseDto] = {}
    for album_id in {link.album_id for link in links if link.album_id is not None}:
        album = await album_dto(db, auth, album_id)
        # Immich: the album of a link is, by definition, shared and has a link.
        album.hasSharedLink = True
        album.shared = True
        albums[album_id] = album
    result = []
    for link in links:
        assets: list[AssetResponseDto | SanitizedAssetResponseDto] = []
        for asset_id in asset_ids.get(link.id, []):
            if asset_id not in rows:
                continue
            asset, exif = rows[asset_id]
            if strip_metadata:
                assets.append(to_sanitized_asset_dto(asset))
            else:
                assets.append(to_asset_dto(asset, exif=exif))
        result.append(
            SharedLinkResponseDto(
                id=str(link.id),
                description=link.description,
                password=link.password,
                userId=str(link.user_id),
                key=encode_link_key(link.key),
                type=SharedLinkType(link.type),
                createdAt=link.created_at,
                expiresAt=link.expires_at,
                assets=assets,
                album=albums.get(link.album_id) if link.album_id is not None else None,
                allowUpload=link.allow_upload,
                allowDownload=link.allow_download,
                showMetadata=link.show_exif,
                slug=link.slug,
            )
        )
    return result
