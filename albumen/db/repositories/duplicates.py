"""Duplicate groups (``asset.duplicate_id``), perceptual hashes and the neighbour searches that fill them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, bindparam, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY, BIT, insert

from albumen.db.repositories.assets import any_of
from albumen.db.repositories.raw import fetch_records
from albumen.db.repositories.search import ASSET_COLUMNS, AssetRow, SearchRepository
from albumen.db.repositories.smart_search import dimension_is, embedding_distance
from albumen.db.tables import AlbumAsset, Asset, AssetPhash, SmartSearch

#: Immich: the nearest 64 embeddings are candidates, then those within ``maxDistance`` are kept.
CLIP_CANDIDATES = 64
#: Where duplicates live: the timeline and the archive (Immich's default visibility).
LISTED = ("archive", "timeline")


@dataclass(frozen=True)
class DuplicateCandidate:
    asset_id: uuid.UUID
    duplicate_id: uuid.UUID | None


def _groupable() -> list[ColumnElement[bool]]:
    return [Asset.deleted_at.is_(None), Asset.stack_id.is_(None), Asset.visibility.in_(LISTED)]


class DuplicateRepository(SearchRepository):
    """A search repository: duplicate groups are listed as search results are (assets with EXIF)."""

    # -- detection ----------------------------------------------------------------------------------

    async def save_phash(self, asset_id: uuid.UUID, value: int, bands: Sequence[int]) -> None:
        columns: dict[str, Any] = {"hash": value}
        columns.update({f"band{index}": band for index, band in enumerate(bands)})
        statement = insert(AssetPhash).values(asset_id=asset_id, **columns)
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=[AssetPhash.asset_id], set_=columns)
        )

    async def phash_matches(
        self, asset: Asset, value: int, probes: Sequence[Sequence[int]], max_distance: int
    ) -> list[DuplicateCandidate]:
        """The owner's other groupable assets of the same type whose hash is within ``max_distance``
        bits: candidates are those equal to one of ``probes[i]`` in band ``i`` (band indexes)."""
        same_band = or_(
            *(
                getattr(AssetPhash, f"band{index}")
                == func.any(bindparam(None, list(values), type_=ARRAY(Integer)))
                for index, values in enumerate(probes)
            )
        )
        differing = func.bit_count((AssetPhash.hash.op("#")(literal(value, BigInteger))).cast(BIT(64)))
        query = (
            select(Asset.id, Asset.duplicate_id)
            .join(AssetPhash, AssetPhash.asset_id == Asset.id)
            .where(same_band, differing <= max_distance)
            .where(Asset.owner_id == asset.owner_id, Asset.type == asset.type, Asset.id != asset.id)
            .where(*_groupable())
        )
        return [DuplicateCandidate(row[0], row[1]) for row in await self.session.execute(query)]

    async def clip_matches(self, asset: Asset, max_distance: float) -> list[DuplicateCandidate]:
        """Immich's search: the asset's nearest embeddings among the owner's groupable assets of the
        same type, kept when within ``max_distance`` (cosine). Empty when it has no embedding."""
        stored = (
            await self.session.execute(
                select(SmartSearch.dim, SmartSearch.embedding).where(SmartSearch.asset_id == asset.id)
            )
        ).one_or_none()
        if stored is None:
            return []
        dim, embedding = stored
        distance = embedding_distance(SmartSearch.embedding, dim, embedding).label("distance")
        nearest = (
            select(Asset.id, Asset.duplicate_id, distance)
            .join(SmartSearch, SmartSearch.asset_id == Asset.id)
            .where(dimension_is(dim))
            .where(Asset.owner_id == asset.owner_id, Asset.type == asset.type, Asset.id != asset.id)
            .where(*_groupable())
            .order_by(distance)
            .limit(CLIP_CANDIDATES)
            .subquery()
        )
        query = select(nearest.c.id, nearest.c.duplicate_id).where(nearest.c.distance <= max_distance)
        return [DuplicateCandidate(row[0], row[1]) for row in await self.session.execute(query)]

    async def merge(
        self, target_id: uuid.UUID, asset_ids: Sequence[uuid.UUID], source_ids: Sequence[uuid.UUID]
    ) -> None:
        """Move ``asset_ids`` and every member of the groups ``source_ids`` into group ``target_id``."""
        await self.session.execute(
            update(Asset)
            .where(or_(any_of(Asset.duplicate_id, source_ids), any_of(Asset.id, asset_ids)))
            .values(duplicate_id=target_id)
        )

    # -- groups -------------------------------------------------------------------------------------

    async def owned_groups(self, user_id: uuid.UUID, duplicate_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of ``duplicate_ids`` group assets of ``user_id`` (Immich's duplicate access check)."""
        if not duplicate_ids:
            return set()
        query = (
            select(Asset.duplicate_id)
            .distinct()
            .where(Asset.owner_id == user_id, any_of(Asset.duplicate_id, duplicate_ids))
        )
        return {value for value in (await self.session.execute(query)).scalars() if value is not None}

    async def dissolve_singletons(self, user_id: uuid.UUID) -> None:
        """A group left with one listed asset (the others trashed, stacked...) is no group at all."""
        singles = (
            select(Asset.duplicate_id)
            .where(Asset.owner_id == user_id, Asset.duplicate_id.is_not(None), *_groupable())
            .group_by(Asset.duplicate_id)
            .having(func.count() == 1)
        )
        await self.session.execute(
            update(Asset)
            .where(Asset.owner_id == user_id, Asset.duplicate_id.in_(singles.scalar_subquery()))
            .values(duplicate_id=None)
        )

    async def grouped_assets(
        self, *, owner_id: uuid.UUID | None = None, duplicate_id: uuid.UUID | None = None
    ) -> list[AssetRow]:
        """Asset records of the owner's groups (or of one group), by group then date taken."""
        query = select(*ASSET_COLUMNS).where(Asset.duplicate_id.is_not(None), *_groupable())
        if owner_id is not None:
            query = query.where(Asset.owner_id == owner_id)
        if duplicate_id is not None:
            query = query.where(Asset.duplicate_id == duplicate_id)
        query = query.order_by(Asset.duplicate_id, Asset.local_date_time, Asset.id)
        return await self._with_exif(await fetch_records(self.session, query))

    async def ungroup(self, user_id: uuid.UUID, duplicate_ids: Sequence[uuid.UUID]) -> None:
        if duplicate_ids:
            await self.session.execute(
                update(Asset)
                .where(Asset.owner_id == user_id, any_of(Asset.duplicate_id, duplicate_ids))
                .values(duplicate_id=None)
            )

    async def albums_of(self, asset_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        if not asset_ids:
            return []
        query = select(AlbumAsset.album_id).distinct().where(any_of(AlbumAsset.asset_id, asset_ids))
        return list((await self.session.execute(query)).scalars())
