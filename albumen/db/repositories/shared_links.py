"""Shared links and the assets an individual link holds."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, delete, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.albums import id_array
from albumen.db.repositories.assets import any_of
from albumen.db.tables import Album, Asset, SharedLink, SharedLinkAsset, User


class SharedLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_key_with_user(self, key: bytes) -> tuple[SharedLink, User] | None:
        return await self._with_owner(SharedLink.key == key)

    async def get_by_slug_with_user(self, slug: str) -> tuple[SharedLink, User] | None:
        return await self._with_owner(SharedLink.slug == slug)

    async def _with_owner(self, condition: Any) -> tuple[SharedLink, User] | None:
        query = (
            select(SharedLink, User)
            .join(User, User.id == SharedLink.user_id)
            .where(condition, User.deleted_at.is_(None))
        )
        row = (await self.session.execute(query)).one_or_none()
        return None if row is None else (row[0], row[1])

    async def get(self, user_id: uuid.UUID, link_id: uuid.UUID) -> SharedLink | None:
        """``user_id``'s link (links are only ever their creator's to see or change)."""
        query = _live(select(SharedLink)).where(SharedLink.id == link_id, SharedLink.user_id == user_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def list_for_user(
        self, user_id: uuid.UUID, *, link_id: uuid.UUID | None = None, album_id: uuid.UUID | None = None
    ) -> Sequence[SharedLink]:
        query = _live(select(SharedLink)).where(SharedLink.user_id == user_id)
        if link_id is not None:
            query = query.where(SharedLink.id == link_id)
        if album_id is not None:
            query = query.where(SharedLink.album_id == album_id)
        query = query.order_by(SharedLink.created_at.desc())
        return (await self.session.execute(query)).scalars().all()

    async def create(self, **values: Any) -> SharedLink:
        link = SharedLink(**values)
        self.session.add(link)
        await self.session.flush()
        await self.session.refresh(link)
        return link

    async def update(self, link_id: uuid.UUID, **values: Any) -> None:
        if values:
            await self.session.execute(update(SharedLink).where(SharedLink.id == link_id).values(**values))

    async def delete(self, link_id: uuid.UUID) -> None:
        await self.session.execute(delete(SharedLink).where(SharedLink.id == link_id))

    async def asset_ids(self, link_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        """Each link's own assets (individual links), oldest taken first, as the web shows them."""
        if not link_ids:
            return {}
        query = (
            select(SharedLinkAsset.shared_link_id, SharedLinkAsset.asset_id)
            .join(Asset, Asset.id == SharedLinkAsset.asset_id)
            .where(any_of(SharedLinkAsset.shared_link_id, link_ids), Asset.deleted_at.is_(None))
            .order_by(Asset.file_created_at, Asset.id)
        )
        found: dict[uuid.UUID, list[uuid.UUID]] = {link_id: [] for link_id in link_ids}
        for link_id, asset_id in await self.session.execute(query):
            found[link_id].append(asset_id)
        return found

    async def all_asset_ids(self, link_id: uuid.UUID) -> set[uuid.UUID]:
        """Every asset the link holds, trashed ones included (what add/remove compare against)."""
        query = select(SharedLinkAsset.asset_id).where(SharedLinkAsset.shared_link_id == link_id)
        return set((await self.session.execute(query)).scalars())

    async def add_assets(self, link_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]) -> None:
        """One statement whatever the count: the ids travel as one array parameter."""
        if not asset_ids:
            return
        requested = select(
            literal(link_id, UUID(as_uuid=True)), func.unnest(id_array("asset_ids", asset_ids))
        )
        await self.session.execute(
            pg_insert(SharedLinkAsset)
            .from_select(["shared_link_id", "asset_id"], requested)
            .on_conflict_do_nothing()
        )

    async def remove_assets(self, link_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]) -> None:
        if not asset_ids:
            return
        await self.session.execute(
            delete(SharedLinkAsset).where(
                SharedLinkAsset.shared_link_id == link_id, any_of(SharedLinkAsset.asset_id, asset_ids)
            )
        )


def _live(query: Select[Any]) -> Select[Any]:
    """Leave out album links whose album was deleted (Immich no longer lists or opens them)."""
    return query.outerjoin(Album, Album.id == SharedLink.album_id).where(
        or_(SharedLink.album_id.is_(None), Album.deleted_at.is_(None))
    )
