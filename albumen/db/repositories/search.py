"""Search queries: pages of assets matching filters, counts, random picks, suggestions, places."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, any_, bindparam, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY, UUID, distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_filters import (
    AssetCriteria,
    AssetScope,
    criteria_conditions,
    filter_uses_exif,
    owner_condition,
    scope_conditions,
    search_filter_conditions,
)
from albumen.db.repositories.raw import fetch_records
from albumen.db.tables import Asset, AssetExif, AssetFace, Person

IMAGE = "IMAGE"
TIMELINE = "timeline"
#: Sorts nulls last whichever the direction (Immich: ``nulls last`` on nullable order fields).
NULL_LOW, NULL_HIGH = -1, 2**62

#: ``SearchOrderField`` -> (column, nullable)
ORDER_COLUMNS: dict[str, tuple[Any, bool]] = {
    "fileCreatedAt": (Asset.file_created_at, False),
    "localDateTime": (Asset.local_date_time, False),
    "fileSizeInBytes": (AssetExif.file_size_in_byte, True),
    "rating": (AssetExif.rating, True),
}
SUGGESTION_COLUMNS = {
    "country": AssetExif.country,
    "state": AssetExif.state,
    "city": AssetExif.city,
    "make": AssetExif.make,
    "model": AssetExif.model,
    "lens_model": AssetExif.lens_model,
}

#: An asset and its EXIF, as database records (by column name).
AssetRow = tuple[Mapping[str, Any], Mapping[str, Any] | None]
ASSET_COLUMNS = tuple(Asset.__table__.columns)
EXIF_COLUMNS = tuple(AssetExif.__table__.columns)


@dataclass(frozen=True)
class AssetSearch:
    """What to search: the scope, the flat criteria and the 3.2.2 filter tree (as given)."""

    scope: AssetScope
    criteria: AssetCriteria = field(default_factory=AssetCriteria)
    search_filter: dict[str, Any] | None = None


@dataclass(frozen=True)
class SearchOrdering:
    field: str = "fileCreatedAt"
    descending: bool = True


class SearchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _select(self, search: AssetSearch, *columns: Any, exif_needed: bool = True) -> Select[Any]:
        conditions, uses_exif = criteria_conditions(search.criteria)
        conditions = scope_conditions(search.scope) + conditions
        if search.search_filter:
            conditions += search_filter_conditions(search.search_filter)
            uses_exif = uses_exif or filter_uses_exif(search.search_filter)
        query = select(*columns).select_from(Asset)
        if exif_needed or uses_exif:
            query = query.outerjoin(AssetExif, AssetExif.asset_id == Asset.id)
        return query.where(*conditions)

    async def page(
        self,
        search: AssetSearch,
        ordering: SearchOrdering,
        *,
        size: int,
        offset: int = 0,
        after: tuple[Any, uuid.UUID] | None = None,
    ) -> list[Any]:
        """Up to ``size + 1`` records in order (one more than a page tells there is a next page):
        ``id``, ``sort_key`` (for a cursor), and the version of the asset's list item (owner and
        ``update_id`` of the asset and its EXIF: one read instead of two when items are kept)."""
        sort_key = order_key(ordering)
        query = self._select(
            search,
            Asset.id,
            sort_key.label("sort_key"),
            Asset.owner_id,
            Asset.update_id,
            AssetExif.update_id.label("exif_update_id"),
        )
        if after is not None:
            position = tuple_(sort_key, Asset.id)
            query = query.where(position < after if ordering.descending else position > after)
        direction = (lambda column: column.desc()) if ordering.descending else (lambda column: column.asc())
        query = query.order_by(direction(sort_key), direction(Asset.id)).limit(size + 1).offset(offset)
        return await fetch_records(self.session, query)

    async def _with_exif(self, assets: list[Any]) -> list[AssetRow]:
        """Each asset record with its EXIF record (or None), fetched in one more query."""
        if not assets:
            return []
        records = await fetch_records(self.session, _exif_of_assets([asset["id"] for asset in assets]))
        exif = {record["asset_id"]: record for record in records}
        return [(asset, exif.get(asset["id"])) for asset in assets]

    async def count(self, search: AssetSearch) -> int:
        query = self._select(search, func.count(), exif_needed=False)
        return int((await self.session.execute(query)).scalar_one())

    async def random(self, search: AssetSearch, size: int) -> list[uuid.UUID]:
        query = self._select(search, Asset.id, exif_needed=False).order_by(func.random()).limit(size)
        return await self._ids(query)

    async def largest(self, search: AssetSearch, size: int, min_file_size: int) -> list[uuid.UUID]:
        query = (
            self._select(search, Asset.id)
            .where(AssetExif.file_size_in_byte > min_file_size)
            .order_by(AssetExif.file_size_in_byte.desc(), Asset.id)
            .limit(size)
        )
        return await self._ids(query)

    async def _ids(self, query: Select[Any]) -> list[uuid.UUID]:
        return [record[0] for record in await fetch_records(self.session, query)]

    async def suggestions(
        self, field_name: str, owner_ids: Sequence[uuid.UUID], filters: dict[str, str]
    ) -> list[str]:
        """Distinct non-empty values of an EXIF field among the owners' timeline assets."""
        column = SUGGESTION_COLUMNS[field_name]
        query = (
            select(column)
            .distinct()
            .select_from(AssetExif)
            .join(Asset, Asset.id == AssetExif.asset_id)
            .where(
                owner_condition(owner_ids),
                Asset.visibility == TIMELINE,
                Asset.deleted_at.is_(None),
                column.is_not(None),
                column != "",
                *(SUGGESTION_COLUMNS[name] == value for name, value in filters.items()),
            )
            .order_by(column)
        )
        return [str(value) for value in (await self.session.execute(query)).scalars()]

    async def one_per_city(
        self, owner_ids: Sequence[uuid.UUID], *, min_assets: int = 1, limit: int | None = None
    ) -> list[Any]:
        """Records of ``id`` and ``city``: the newest image of each city the owners photographed
        (cities with ``min_assets`` or more), by city."""
        located = [
            owner_condition(owner_ids),
            Asset.visibility == TIMELINE,
            Asset.type == IMAGE,
            Asset.deleted_at.is_(None),
            AssetExif.city.is_not(None),
            AssetExif.city != "",
        ]
        query = (
            select(Asset.id, AssetExif.city)
            .join(AssetExif, AssetExif.asset_id == Asset.id)
            .where(*located)
            .ext(distinct_on(AssetExif.city))
            .order_by(AssetExif.city, Asset.file_created_at.desc())
        )
        if min_assets > 1:
            busy = (
                select(AssetExif.city)
                .join(Asset, Asset.id == AssetExif.asset_id)
                .where(*located)
                .group_by(AssetExif.city)
                .having(func.count() >= min_assets)
            )
            query = query.where(AssetExif.city.in_(busy))
        if limit is not None:
            query = query.limit(limit)
        return await fetch_records(self.session, query)

    async def people_named(self, owner_id: uuid.UUID, name: str, *, with_hidden: bool) -> list[Person]:
        """People whose name, or a word of it, starts with ``name`` (Immich's person search)."""
        pattern = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = select(Person).where(
            Person.owner_id == owner_id,
            or_(Person.name.ilike(f"{pattern}%"), Person.name.ilike(f"% {pattern}%")),
        )
        if not with_hidden:
            query = query.where(Person.is_hidden.is_(False))
        query = query.order_by(Person.name, Person.id).limit(1000)
        return list((await self.session.execute(query)).scalars())

    async def people_of_assets(
        self, asset_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[tuple[Person, AssetFace]]]:
        """The faces on each asset with their people (the single-asset view)."""
        if not asset_ids:
            return {}
        query = (
            select(AssetFace, Person)
            .join(Person, Person.id == AssetFace.person_id)
            .where(
                AssetFace.asset_id.in_(asset_ids),
                AssetFace.deleted_at.is_(None),
                AssetFace.is_visible.is_(True),
            )
            .order_by(AssetFace.asset_id, Person.name)
        )
        found: dict[uuid.UUID, list[tuple[Person, AssetFace]]] = {}
        for face, person in (await self.session.execute(query)).all():
            found.setdefault(face.asset_id, []).append((person, face))
        return found

    # -- folders (the Views tag) ------------------------------------------------------------------------

    async def folders(self, owner_id: uuid.UUID) -> list[str]:
        """The folders of the owner's timeline assets' originals, sorted."""
        folder = func.substring(Asset.original_path, r"^(.*)/[^/]*$")
        query = (
            select(folder)
            .distinct()
            .where(Asset.owner_id == owner_id, Asset.visibility == TIMELINE, Asset.deleted_at.is_(None))
            .where(folder.is_not(None))
            .order_by(folder)
        )
        return list((await self.session.execute(query)).scalars())

    async def in_folder(self, owner_id: uuid.UUID, folder: str) -> list[uuid.UUID]:
        """The owner's timeline assets directly in ``folder``, by file name."""
        prefix = folder.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/"
        query = (
            select(Asset.id)
            .where(Asset.owner_id == owner_id, Asset.visibility == TIMELINE, Asset.deleted_at.is_(None))
            .where(Asset.original_path.like(prefix + "%"), Asset.original_path.not_like(prefix + "%/%"))
            .order_by(func.regexp_replace(Asset.original_path, r"^.*/", ""), Asset.id)
        )
        return await self._ids(query)


def _exif_of_assets(asset_ids: list[uuid.UUID]) -> Select[Any]:
    # One array parameter, not one per asset: pages of any length share one compiled statement.
    ids = bindparam("asset_ids", asset_ids, type_=ARRAY(UUID(as_uuid=True)))
    return select(*EXIF_COLUMNS).where(AssetExif.asset_id == any_(ids))


def _order_column(ordering: SearchOrdering) -> tuple[Any, bool]:
    return ORDER_COLUMNS.get(ordering.field, ORDER_COLUMNS["fileCreatedAt"])


def order_key(ordering: SearchOrdering) -> ColumnElement[Any]:
    column, nullable = _order_column(ordering)
    if nullable:
        return func.coalesce(column, NULL_LOW if ordering.descending else NULL_HIGH)
    return column


def cursor_value(value: Any) -> Any:
    """A sort key as JSON can carry it (timestamps as ISO text)."""
    return value.isoformat() if isinstance(value, datetime) else value


def parse_cursor_value(ordering: SearchOrdering, value: Any) -> Any:
    _, nullable = _order_column(ordering)
    return int(value) if nullable else datetime.fromisoformat(str(value))
