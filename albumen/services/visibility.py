"""Which assets a caller may see in a listing (timeline, search, map, folders), as Immich decides.

A listing shows the caller's own assets, plus those of partners who share with them and chose to
show them in the timeline (``inTimeline``) where the listing includes partners; an album's listing
shows the album's assets whoever owns them. Locked assets need a PIN-unlocked session and are only
ever the caller's own; trashed assets appear only when asked for; hidden assets (live photos'
motion parts) only when asked for by visibility.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_filters import AssetScope
from albumen.db.repositories.tags import TagRepository
from albumen.db.repositories.timeline import BucketFilter, TimelineRepository
from albumen.dto.assets import AssetVisibility
from albumen.permissions import Permission
from albumen.services.access import require_albums
from albumen.services.assets import require_elevated
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError

#: What the timeline, search, an album or a person shows when no visibility is asked for.
LISTED = (AssetVisibility.ARCHIVE.value, AssetVisibility.TIMELINE.value)


async def partner_ids(db: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    """Partners who share with ``user_id`` and whose assets belong in their timeline."""
    return await TimelineRepository(db).partners_sharing_with(user_id, in_timeline_only=True)


def visibilities_for(auth: AuthContext, visibility: AssetVisibility | None) -> tuple[str, ...] | None:
    """The one visibility asked for (locked only in an unlocked session), else ``None``."""
    if visibility is AssetVisibility.LOCKED:
        require_elevated(auth)
    return None if visibility is None else (visibility.value,)


async def search_scope(
    db: AsyncSession, auth: AuthContext, visibility: AssetVisibility | None, *, with_deleted: bool
) -> AssetScope:
    """Search covers the caller's and their timeline partners' assets (the locked folder: own only)."""
    asked = visibilities_for(auth, visibility)
    owners = [auth.user_id]
    if visibility is not AssetVisibility.LOCKED:
        owners += await partner_ids(db, auth.user_id)
    return AssetScope(
        owner_ids=tuple(owners),
        visibilities=asked if asked is not None else LISTED,
        trashed=None if with_deleted else False,
    )


async def shared_link_search_scope(
    db: AsyncSession, auth: AuthContext, album_ids: list[uuid.UUID] | None
) -> AssetScope:
    """A shared link searches only within its album (Immich's rule and message), whoever owns the assets."""
    if not album_ids:
        raise BadRequestError("Shared link access is only allowed in combination with an albumIds filter")
    await require_albums(db, auth, Permission.ALBUM_READ, album_ids)
    return AssetScope(owner_ids=None, visibilities=LISTED, trashed=False)


def own_scope(
    auth: AuthContext, visibility: AssetVisibility | None = None, *, default: tuple[str, ...] = LISTED
) -> AssetScope:
    """The caller's own live assets of one visibility (or ``default``)."""
    asked = visibilities_for(auth, visibility)
    return AssetScope(owner_ids=(auth.user_id,), visibilities=asked if asked is not None else default)


@dataclass(frozen=True)
class TimelineRequest:
    """``TimeBucketDto``'s who-and-what part, as the timeline service received it."""

    user_id: uuid.UUID | None = None
    album_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    tag_id: uuid.UUID | None = None
    visibility: AssetVisibility | None = None
    is_favorite: bool | None = None
    is_trashed: bool | None = None
    with_partners: bool = False
    with_stacked: bool = False
    bbox: tuple[float, float, float, float] | None = None
    by_created_at: bool = False


async def timeline_scope(
    db: AsyncSession, auth: AuthContext, request: TimelineRequest
) -> tuple[AssetScope, BucketFilter]:
    """Check the caller may see this timeline (Immich's checks and messages), then scope it."""
    asked = visibilities_for(auth, request.visibility)
    user_id = request.user_id
    if request.album_id is not None:
        await require_albums(db, auth, Permission.ALBUM_READ, [request.album_id])
    elif user_id is None:
        user_id = auth.user_id
    if user_id is not None and auth.shared_link is not None:
        # A link shows its album's timeline, never its creator's library.
        raise BadRequestError(f"Not found or no {Permission.TIMELINE_READ.value} access")
    if user_id is not None:
        await _require_timeline(db, auth, user_id, request.visibility)
    if request.tag_id is not None and not await TagRepository(db).owned(auth.user_id, [request.tag_id]):
        raise BadRequestError(f"Not found or no {Permission.TAG_READ.value} access")
    if request.with_partners and (
        request.visibility in (AssetVisibility.LOCKED, AssetVisibility.ARCHIVE, None)
        or request.is_favorite is not None
        or request.is_trashed
    ):
        raise BadRequestError(
            "withPartners is only supported for non-archived, non-trashed, non-favorited, non-locked assets"
        )
    owners: tuple[uuid.UUID, ...] | None = None
    if user_id is not None:
        owners = (user_id,)
        if request.with_partners:
            owners += tuple(await partner_ids(db, auth.user_id))
    scope = AssetScope(
        owner_ids=owners,
        visibilities=asked if asked is not None else LISTED,
        trashed=bool(request.is_trashed),
    )
    bucket_filter = BucketFilter(
        album_id=request.album_id,
        person_id=request.person_id,
        tag_id=request.tag_id,
        is_favorite=request.is_favorite,
        with_stacked=request.with_stacked,
        bbox=request.bbox,
        by_created_at=request.by_created_at,
    )
    return scope, bucket_filter


async def _require_timeline(
    db: AsyncSession, auth: AuthContext, user_id: uuid.UUID, visibility: AssetVisibility | None
) -> None:
    """Immich's ``timeline.read`` (own or a partner's), ``archive.read`` (own) and locked rules."""
    if user_id == auth.user_id:
        return
    partners = await TimelineRepository(db).partners_sharing_with(auth.user_id, in_timeline_only=False)
    if user_id not in partners:
        raise BadRequestError(f"Not found or no {Permission.TIMELINE_READ.value} access")
    if visibility is AssetVisibility.ARCHIVE:
        raise BadRequestError(f"Not found or no {Permission.ARCHIVE_READ.value} access")
    if visibility is AssetVisibility.LOCKED:
        raise BadRequestError("You may not access another user's locked timeline")
