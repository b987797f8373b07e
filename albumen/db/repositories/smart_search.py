"""CLIP embeddings: storing them, and pages of assets ordered by cosine distance to a query embedding.

``smart_search.embedding`` has no fixed size; every query casts it to ``vector(<dim>)`` and filters on
``dim = <dim>`` with the size written into the SQL, exactly as migration 0012's partial HNSW indexes
are defined, so the planner can use the index of that size.

The HNSW scan runs with pgvector's relaxed iterative scan and the page is sorted again outside it
(pgvector's README pattern). A strict-order scan had to read on until it could prove the order of
every row: with 100,000 512-d embeddings its p99 was about three times the relaxed scan's, for the
same rows once sorted.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Float, Text, bindparam, cast, func, literal_column, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.types import UserDefinedType

from albumen.db.repositories.search import AssetSearch, SearchRepository
from albumen.db.tables import Asset, SmartSearch
from albumen.db.tables.vector import Vector

#: Candidates each HNSW search step keeps (pgvector's default); the iterative scan (below) goes on
#: past them until the page is full. See bench/ml.py's smart search part for latency and recall.
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

    async def embedding_of(self, asset_id: uuid.UUID) -> str | None:
        """The asset's CLIP embedding as pgvector text, to be sent back in a query unparsed."""
        query = select(cast(SmartSearch.embedding, Text)).where(SmartSearch.asset_id == asset_id)
        found: str | None = (await self.session.execute(query)).scalar_one_or_none()
        return found

    async def tune_index_scan(self) -> None:
        """Let the HNSW scan go on until the page is full however many rows the filters reject
        (pgvector 0.8 iterative scans), for this transaction only."""
        await self.session.execute(
            select(
                func.set_config("hnsw.ef_search", str(EF_SEARCH), True),
                func.set_config("hnsw.iterative_scan", "relaxed_order", True),
            )
        )

    async def nearest(
        self, search: AssetSearch, embedding: Sequence[float] | str, *, size: int, offset: int
    ) -> list[uuid.UUID]:
        """The ids of up to ``size + 1`` assets matching ``search`` that have an embedding of the same size,
        nearest first (one more than a page tells there is a next page). ``embedding`` is a list of
        floats or pgvector text."""
        dim = embedding_dimension(embedding)
        await self.tune_index_scan()
        distance = embedding_distance(SmartSearch.embedding, dim, embedding)
        # The scan's rows come nearly in order (relaxed): take the candidates up to the end of this
        # page, then sort them exactly. ``+ 0``: PostgreSQL 17 would otherwise trust the CTE's order.
        candidates = (
            self._select(search, Asset.id, distance.label("distance"), exif_needed=False)
            .join(SmartSearch, SmartSearch.asset_id == Asset.id)
            .where(dimension_is(dim))
            .order_by(distance)
            .limit(offset + size + 1)
            .cte("candidates")
            .prefix_with("MATERIALIZED")
        )
        query = (
            select(candidates.c.id)
            .order_by(candidates.c.distance + literal_column("0"), candidates.c.id)
            .limit(size + 1)
            .offset(offset)
        )
        return await self._ids(query)


def embedding_dimension(embedding: Sequence[float] | str) -> int:
    """The size of an embedding given as floats or as pgvector text (``[0.1,0.2,...]``)."""
    return embedding.count(",") + 1 if isinstance(embedding, str) else len(embedding)
