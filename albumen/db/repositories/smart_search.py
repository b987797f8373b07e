"""CLIP embeddings: storing them, and pages of assets ordered by cosine distance to a query embedding.

``smart_search.embedding`` has no fixed size; every query casts it to ``vector(<dim>)`` and filters on
``dim = <dim>`` with the size written into the SQL, exactly as migration 0012's partial HNSW indexes
are defined, so the planner can use the index of that size.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Float, bindparam, cast, func, literal_column, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.types import UserDefinedType

from albumen.db.repositories.raw import fetch_records
from albumen.db.repositories.search import ASSET_COLUMNS, AssetRow, AssetSearch, SearchRepository
from albumen.db.tables import Asset, SmartSearch
from albumen.db.tables.vector import Vector

#: Candidates each HNSW search step keeps (pgvector's default). Measured with 512-d embeddings: a
#: first page of 100 comes about twice as fast as with 100 candidates, the iterative scan (below)
#: fetching the rest in order.
EF_SEARCH = 40


class SizedVector(UserDefinedType[list[float]]):
    """``vector(<dim>)``: the cast target of queries, matching the indexes' expression."""

    cache_ok = True

    def __init__(self, dim: int) -> None:
        self.dim = int(dim)

    def get_col_spec(self, **kw: Any) -> str:
        return f"vector({self.dim})"


def embedding_distance(column: Any, dim: int, embedding: Sequence[float] | str) -> ColumnElement[float]:
    """``column::vector(dim) <=> :embedding::vector(dim)``: cosine distance, index-compatible."""
    # As pgvector text already: raw asyncpg queries (fetch_records) skip SQLAlchemy's bind processing.
    value = (
        embedding if isinstance(embedding, str) else "[" + ",".join(map(repr, map(float, embedding))) + "]"
    )
    query = cast(bindparam(None, value, type_=Vector()), SizedVector(dim))
    return cast(column, SizedVector(dim)).op("<=>", return_type=Float())(query)


def dimension_is(dim: int) -> ColumnElement[bool]:
    # A literal, not a parameter: a partial index's predicate only matches a constant.
    return SmartSearch.dim == literal_column(str(int(dim)))


class SmartSearchRepository(SearchRepository):
    async def upsert(self, asset_id: uuid.UUID, embedding: Sequence[float]) -> None:
        values = {"dim": len(embedding), "embedding": list(embedding)}
        statement = insert(SmartSearch).values(asset_id=asset_id, **values)
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=[SmartSearch.asset_id], set_=values)
        )

    async def embedding_of(self, asset_id: uuid.UUID) -> list[float] | None:
        query = select(SmartSearch.embedding).where(SmartSearch.asset_id == asset_id)
        found: list[float] | None = (await self.session.execute(query)).scalar_one_or_none()
        return found

    async def tune_index_scan(self) -> None:
        """Let the HNSW scan go on, in distance order, until the page is full however many rows the
        filters reject (pgvector 0.8 iterative scans), for this transaction only."""
        await self.session.execute(
            select(
                func.set_config("hnsw.ef_search", str(EF_SEARCH), True),
                func.set_config("hnsw.iterative_scan", "strict_order", True),
            )
        )

    async def nearest(
        self, search: AssetSearch, embedding: Sequence[float], *, size: int, offset: int
    ) -> list[AssetRow]:
        """Up to ``size + 1`` assets matching ``search`` that have an embedding of the same size,
        nearest first (one more than a page tells there is a next page)."""
        dim = len(embedding)
        await self.tune_index_scan()
        distance = embedding_distance(SmartSearch.embedding, dim, embedding)
        query = (
            self._select(search, *ASSET_COLUMNS, exif_needed=False)
            .join(SmartSearch, SmartSearch.asset_id == Asset.id)
            .where(dimension_is(dim))
            .order_by(distance)
            .limit(size + 1)
            .offset(offset)
        )
        return await self._with_exif(await fetch_records(self.session, query))
