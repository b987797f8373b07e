"""Albums: listing with counts and dates, create/update/delete, adding and removing assets, map.

Who may do what is Immich's rule set (``services.access.allowed_albums``); membership changes live in
``services.album_access``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.albums import OWNER_ROLE, AlbumFilter, AlbumRepository, AlbumSummary
from albumen.db.repositories.users import UserRepository
from albumen.db.tables import User
from albumen.dto.albums import (
    AlbumResponseDto,
    AlbumsAddAssetsDto,
    AlbumsAddAssetsResponseDto,
    AlbumStatisticsResponseDto,
    AlbumUserResponseDto,
    AlbumUserRole,
    ContributorCountResponseDto,
    CreateAlbumDto,
    MapMarkerResponseDto,
    UpdateAlbumDto,
)
from albumen.dto.asset_ids import BulkIdErrorReason, BulkIdResponseDto
from albumen.dto.users import to_user_dto
from albumen.permissions import Permission
from albumen.services import events
from albumen.services.access import allowed_albums, allowed_assets, require_albums
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError
from albumen.services.notifications import notify_album_invite
from albumen.services.user_preferences import get_preferences

# --- reading -------------------------------------------------------------------------------------


async def list_albums(
    db: AsyncSession,
    auth: AuthContext,
    *,
    album_id: uuid.UUID | None = None,
    name: str | None = None,
    is_owned: bool | None = None,
    is_shared: bool | None = None,
    asset_id: uuid.UUID | None = None,
) -> list[AlbumResponseDto]:
    """The caller's albums and those shared with them, newest first (``assetId`` ignores the rest)."""
    where = AlbumFilter(
        album_id=album_id, name=name, is_owned=is_owned, is_shared=is_shared, asset_id=asset_id
    )
    return await _album_dtos(db, auth, where)


async def get_album(db: AsyncSession, auth: AuthContext, album_id: uuid.UUID) -> AlbumResponseDto:
    await require_albums(db, auth, Permission.ALBUM_READ, [album_id])
    return await album_dto(db, auth, album_id, with_contributors=True)


async def album_dto(
    db: AsyncSession, auth: AuthContext, album_id: uuid.UUID, *, with_contributors: bool = False
) -> AlbumResponseDto:
    """One album as its owner or a member sees it (the caller's access is checked beforehand)."""
    found = await _album_dtos(db, auth, AlbumFilter(album_id=album_id))
    if not found:
        raise BadRequestError("Album not found")
    album = found[0]
    if with_contributors and album.shared:
        counts = await AlbumRepository(db).contributor_counts(album_id)
        album.contributorCounts = [
            ContributorCountResponseDto(userId=str(user_id), assetCount=count) for user_id, count in counts
        ]
    return album


async def statistics(db: AsyncSession, auth: AuthContext) -> AlbumStatisticsResponseDto:
    owned, shared, not_shared = await AlbumRepository(db).statistics(auth.user_id)
    return AlbumStatisticsResponseDto(owned=owned, shared=shared, notShared=not_shared)


async def map_markers(db: AsyncSession, auth: AuthContext, album_id: uuid.UUID) -> list[MapMarkerResponseDto]:
    await require_albums(db, auth, Permission.ALBUM_READ, [album_id])
    markers = await AlbumRepository(db).map_markers(album_id)
    return [
        MapMarkerResponseDto(id=str(asset_id), lat=lat, lon=lon, city=city, state=state, country=country)
        for asset_id, lat, lon, city, state, country in markers
    ]


# --- changing the album --------------------------------------------------------------------------


async def create_album(db: AsyncSession, auth: AuthContext, dto: CreateAlbumDto) -> AlbumResponseDto:
    """Assets the caller may not share are silently left out, as Immich does."""
    shared_with = [member for member in dto.albumUsers if member.userId != auth.user_id]
    if any(member.role is AlbumUserRole.OWNER for member in shared_with):
        raise BadRequestError("Cannot add another owner")
    await require_users_exist(db, [member.userId for member in shared_with])
    asset_ids = list(dict.fromkeys(dto.assetIds))
    shareable = await allowed_assets(db, auth, Permission.ASSET_SHARE, asset_ids)
    added = [asset_id for asset_id in asset_ids if asset_id in shareable]
    preferences = await get_preferences(db, auth.user_id)

    albums = AlbumRepository(db)
    album = await albums.create(
        owner_id=auth.user_id,
        name=dto.albumName,
        description=dto.description or "",
        order=preferences.albums.defaultAssetOrder.value,
        thumbnail_asset_id=added[0] if added else None,
    )
    # The owner also has an ``album_user`` row with role ``owner``: Immich 3.x syncs ownership that way.
    roles = [(auth.user_id, OWNER_ROLE)] + [(member.userId, member.role.value) for member in shared_with]
    await albums.add_users(album.id, roles)
    await albums.add_assets([album.id], added)
    await notify_album_invite(
        db,
        album_id=album.id,
        album_name=dto.albumName,
        sender_name=auth.user.name,
        user_ids=[member.userId for member in shared_with],
    )
    await db.commit()
    return await album_dto(db, auth, album.id)


async def update_album(
    db: AsyncSession, auth: AuthContext, album_id: uuid.UUID, dto: UpdateAlbumDto
) -> AlbumResponseDto:
    await require_albums(db, auth, Permission.ALBUM_UPDATE, [album_id])
    albums = AlbumRepository(db)
    values: dict[str, object] = {}
    sent = dto.model_fields_set
    if "albumThumbnailAssetId" in sent and dto.albumThumbnailAssetId is not None:
        if not await albums.asset_ids_in(album_id, [dto.albumThumbnailAssetId]):
            raise BadRequestError("Invalid album thumbnail")
        values["thumbnail_asset_id"] = dto.albumThumbnailAssetId
    if "albumName" in sent and dto.albumName is not None:
        values["name"] = dto.albumName
    if "description" in sent:
        values["description"] = dto.description or ""
    if "isActivityEnabled" in sent and dto.isActivityEnabled is not None:
        values["is_activity_enabled"] = dto.isActivityEnabled
    if "order" in sent and dto.order is not None:
        values["order"] = dto.order.value
    if values:
        await albums.update(album_id, **values)
        await db.commit()
    return await album_dto(db, auth, album_id)


async def delete_album(db: AsyncSession, auth: AuthContext, album_id: uuid.UUID) -> None:
    """Only the owner may; the album's assets stay in their owners' libraries."""
    await require_albums(db, auth, Permission.ALBUM_DELETE, [album_id])
    await AlbumRepository(db).delete(album_id)
    await db.commit()


# --- assets in albums ----------------------------------------------------------------------------


async def add_assets(
    db: AsyncSession, auth: AuthContext, album_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]
) -> list[BulkIdResponseDto]:
    """Add in bulk (set-based: the CLI sends up to 65,000 ids per call); one result per id sent."""
    albums = AlbumRepository(db)
    if await albums.get(album_id) is None:
        raise BadRequestError("Album not found")
    await require_albums(db, auth, Permission.ALBUM_ASSET_CREATE, [album_id])
    unique_ids = list(dict.fromkeys(asset_ids))
    present = await albums.asset_ids_in(album_id, unique_ids)
    candidates = [asset_id for asset_id in unique_ids if asset_id not in present]
    # What is new, present or refused is known up front; an id another request added in the
    # meantime reads as added, as in Immich.
    added = await allowed_assets(db, auth, Permission.ASSET_SHARE, candidates)
    if await albums.add_assets([album_id], list(added)):
        await albums.refresh_after_change([album_id])
        await events.emit_album_update(db, [album_id])
    await db.commit()

    # Immich's per-id answers: an id repeated in the request is a duplicate after its first success.
    results: list[BulkIdResponseDto] = []
    reported: set[uuid.UUID] = set()
    for asset_id in asset_ids:
        if asset_id in added and asset_id not in reported:
            results.append(_success(asset_id))
            reported.add(asset_id)
        elif asset_id in present or asset_id in added:
            results.append(_failure(asset_id, BulkIdErrorReason.DUPLICATE))
        else:
            results.append(_failure(asset_id, BulkIdErrorReason.NO_PERMISSION))
    return results


async def add_assets_to_albums(
    db: AsyncSession, auth: AuthContext, dto: AlbumsAddAssetsDto
) -> AlbumsAddAssetsResponseDto:
    """Every shareable asset into every album the caller may add to; one overall result, as Immich."""
    album_ids = await allowed_albums(db, auth, Permission.ALBUM_ASSET_CREATE, dto.albumIds)
    if not album_ids:
        return AlbumsAddAssetsResponseDto(success=False, error=BulkIdErrorReason.NO_PERMISSION)
    asset_ids = await allowed_assets(db, auth, Permission.ASSET_SHARE, dto.assetIds)
    if not asset_ids:
        return AlbumsAddAssetsResponseDto(success=False, error=BulkIdErrorReason.NO_PERMISSION)
    albums = AlbumRepository(db)
    changed = await albums.add_assets(list(album_ids), list(asset_ids))
    await albums.refresh_after_change(list(changed))
    await events.emit_album_update(db, changed)
    await db.commit()
    if not changed:
        return AlbumsAddAssetsResponseDto(success=False, error=BulkIdErrorReason.DUPLICATE)
    return AlbumsAddAssetsResponseDto(success=True)


async def remove_assets(
    db: AsyncSession, auth: AuthContext, album_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]
) -> list[BulkIdResponseDto]:
    """The owner may remove any asset; an editor only assets they may share (their own, partners')."""
    await require_albums(db, auth, Permission.ALBUM_ASSET_DELETE, [album_id])
    albums = AlbumRepository(db)
    unique_ids = list(dict.fromkeys(asset_ids))
    present = await albums.asset_ids_in(album_id, unique_ids)
    if await allowed_albums(db, auth, Permission.ALBUM_DELETE, [album_id]):
        removable = present
    else:
        removable = await allowed_assets(db, auth, Permission.ASSET_SHARE, present)
    if removable:
        await albums.remove_assets(album_id, list(removable))
        await albums.refresh_after_change([album_id])
        await events.emit_album_update(db, [album_id])
        await db.commit()

    results: list[BulkIdResponseDto] = []
    reported: set[uuid.UUID] = set()
    for asset_id in asset_ids:
        if asset_id not in present or asset_id in reported:
            results.append(_failure(asset_id, BulkIdErrorReason.NOT_FOUND))
        elif asset_id not in removable:
            results.append(_failure(asset_id, BulkIdErrorReason.NO_PERMISSION))
        else:
            results.append(_success(asset_id))
            reported.add(asset_id)
    return results


# --- helpers -------------------------------------------------------------------------------------


async def require_users_exist(db: AsyncSession, user_ids: Sequence[uuid.UUID]) -> None:
    users = UserRepository(db)
    for user_id in dict.fromkeys(user_ids):
        if await users.get(user_id) is None:
            raise BadRequestError("Invalid user")


def _success(asset_id: uuid.UUID) -> BulkIdResponseDto:
    return BulkIdResponseDto(id=str(asset_id), success=True)


def _failure(asset_id: uuid.UUID, reason: BulkIdErrorReason) -> BulkIdResponseDto:
    return BulkIdResponseDto(id=str(asset_id), success=False, error=reason)


async def _album_dtos(db: AsyncSession, auth: AuthContext, where: AlbumFilter) -> list[AlbumResponseDto]:
    albums = AlbumRepository(db)
    summaries = await albums.summaries(auth.user_id, where)
    members: dict[uuid.UUID, list[tuple[str, User]]] = defaultdict(list)
    for album_id, role, user in await albums.members([summary.album.id for summary in summaries]):
        members[album_id].append((role, user))
    return [_to_dto(summary, members[summary.album.id], auth.user_id) for summary in summaries]


def _to_dto(summary: AlbumSummary, members: list[tuple[str, User]], viewer_id: uuid.UUID) -> AlbumResponseDto:
    album = summary.album

    def position(member: tuple[str, User]) -> tuple[int, str]:
        # Immich: the owner first, then the caller, then everyone else by name.
        role, user = member
        rank = 0 if role == OWNER_ROLE else 1 if user.id == viewer_id else 2
        return rank, user.name

    return AlbumResponseDto(
        id=str(album.id),
        albumName=album.name,
        description=album.description,
        createdAt=album.created_at,
        updatedAt=album.updated_at,
        albumThumbnailAssetId=str(summary.thumbnail_asset_id) if summary.thumbnail_asset_id else None,
        shared=summary.shared,
        albumUsers=[
            AlbumUserResponseDto(user=to_user_dto(user), role=AlbumUserRole(role))
            for role, user in sorted(members, key=position)
        ],
        hasSharedLink=summary.has_shared_link,
        assetCount=summary.asset_count,
        lastModifiedAssetTimestamp=summary.last_modified_asset_at,
        startDate=_midnight(summary.start_date),
        endDate=_midnight(summary.end_date),
        isActivityEnabled=album.is_activity_enabled,
        order=album.order,
    )


def _midnight(day: date | None) -> datetime | None:
    """Immich reports an album's date range as whole (local) days, at midnight UTC."""
    return None if day is None else datetime.combine(day, time(), tzinfo=UTC)
