"""Which of a set of ids a user may reach, by each route Immich allows (owner, partner, album member,
shared link)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import Album, AlbumAsset, AlbumUser, Asset, Partner, SharedLink, SharedLinkAsset


class AccessRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def owned_assets(
        self, user_id: uuid.UUID, asset_ids: Iterable[uuid.UUID], *, include_locked: bool = True
    ) -> set[uuid.UUID]:
        """The user's own assets; ``include_locked=False`` leaves out the locked folder."""
        ids = list(asset_ids)
        if not ids:
            return set()
        query = select(Asset.id).where(
            Asset.id == func.any(bindparam("asset_ids", value=ids, type_=ARRAY(UUID(as_uuid=True)))),
            Asset.owner_id == user_id,
        )
        if not include_locked:
            query = query.where(Asset.visibility != "locked")
        return set((await self.session.execute(query)).scalars())

    async def partner_assets(self, user_id: uuid.UUID, asset_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Assets of users who share their library with ``user_id`` (not archived, locked or hidden)."""
        ids = list(asset_ids)
        if not ids:
            return set()
        query = (
            select(Asset.id)
            .join(Partner, Partner.shared_by_id == Asset.owner_id)
            .where(
                Partner.shared_with_id == user_id,
                Asset.id.in_(ids),
                Asset.visibility.in_(("timeline", "archive")),
                Asset.deleted_at.is_(None),
            )
        )
        return set((await self.session.execute(query)).scalars())

    async def album_assets(self, user_id: uuid.UUID, asset_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Assets in an album ``user_id`` owns or was shared (including a live photo's hidden video)."""
        ids = list(asset_ids)
        if not ids:
            return set()
        member_albums = (
            select(Album.id)
            .outerjoin(AlbumUser, AlbumUser.album_id == Album.id)
            .where(Album.deleted_at.is_(None), or_(Album.owner_id == user_id, AlbumUser.user_id == user_id))
        )
        in_album = select(AlbumAsset.asset_id).where(AlbumAsset.album_id.in_(member_albums))
        query = select(Asset.id).where(Asset.id.in_(ids), Asset.id.in_(in_album))
        found = set((await self.session.execute(query)).scalars())
        motion = select(Asset.live_photo_video_id).where(
            Asset.id.in_(in_album), Asset.live_photo_video_id.in_(ids)
        )
        found.update(value for value in (await self.session.execute(motion)).scalars() if value is not None)
        return found

    async def shareable_assets(self, user_id: uuid.UUID, asset_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Immich's ``asset.share``: the user's own assets (not locked) and their partners' shared ones.

        Album additions come 65,000 ids at a time: the ids travel as one array parameter and only the
        refused ones (usually none) come back.
        """
        ids = set(asset_ids)
        if not ids:
            return set()
        id_array = bindparam("asset_ids", value=list(ids), type_=ARRAY(UUID(as_uuid=True)))
        requested = func.unnest(id_array).column_valued("requested_id")
        shareable = (
            select(Asset.id)
            .outerjoin(
                Partner, and_(Partner.shared_by_id == Asset.owner_id, Partner.shared_with_id == user_id)
            )
            .where(
                Asset.id == requested,
                or_(
                    and_(Asset.owner_id == user_id, Asset.visibility != "locked"),
                    and_(
                        Partner.shared_with_id.is_not(None),
                        Asset.visibility.in_(("timeline", "archive")),
                        Asset.deleted_at.is_(None),
                    ),
                ),
            )
        )
        query = select(requested).where(~shareable.exists())
        return ids - set((await self.session.execute(query)).scalars())

    async def owned_albums(self, user_id: uuid.UUID, album_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        ids = list(album_ids)
        if not ids:
            return set()
        query = select(Album.id).where(
            Album.id.in_(ids), Album.owner_id == user_id, Album.deleted_at.is_(None)
        )
        return set((await self.session.execute(query)).scalars())

    async def shared_albums(
        self, user_id: uuid.UUID, album_ids: Iterable[uuid.UUID], roles: Iterable[str]
    ) -> set[uuid.UUID]:
        """Albums shared with ``user_id`` in one of ``roles``."""
        ids = list(album_ids)
        if not ids:
            return set()
        query = (
            select(Album.id)
            .join(AlbumUser, AlbumUser.album_id == Album.id)
            .where(
                Album.id.in_(ids),
                Album.deleted_at.is_(None),
                AlbumUser.user_id == user_id,
                AlbumUser.role.in_(list(roles)),
            )
        )
        return set((await self.session.execute(query)).scalars())

    async def shared_link_assets(self, link_id: uuid.UUID, asset_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Assets a shared link shows: its own (individual link) or its album's, not trashed or locked,
        and the hidden motion parts of those live photos."""
        ids = list(asset_ids)
        if not ids:
            return set()
        link_album = select(SharedLink.album_id).where(SharedLink.id == link_id)
        live_album = select(Album.id).where(Album.id.in_(link_album), Album.deleted_at.is_(None))
        shown = (
            select(Asset.id, Asset.live_photo_video_id)
            .where(
                or_(
                    Asset.id.in_(
                        select(SharedLinkAsset.asset_id).where(SharedLinkAsset.shared_link_id == link_id)
                    ),
                    Asset.id.in_(select(AlbumAsset.asset_id).where(AlbumAsset.album_id.in_(live_album))),
                ),
                Asset.deleted_at.is_(None),
                Asset.visibility != "locked",
            )
            .subquery()
        )
        query = select(shown.c.id, shown.c.live_photo_video_id).where(
            or_(shown.c.id.in_(ids), shown.c.live_photo_video_id.in_(ids))
        )
        wanted = set(ids)
        found: set[uuid.UUID] = set()
        for asset_id, motion_id in await self.session.execute(query):
            found.update(value for value in (asset_id, motion_id) if value in wanted)
        return found

    async def shared_link_albums(self, link_id: uuid.UUID, album_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """The link's album, when it is among ``album_ids`` and not deleted."""
        ids = list(album_ids)
        if not ids:
            return set()
        query = (
            select(Album.id)
            .join(SharedLink, SharedLink.album_id == Album.id)
            .where(SharedLink.id == link_id, Album.id.in_(ids), Album.deleted_at.is_(None))
        )
        return set((await self.session.execute(query)).scalars())
