"""Queries on faces (``asset_face``) and their embeddings (``face_search``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, cast, delete, func, literal_column, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import UserDefinedType

from albumen.db.tables import Asset, AssetFace, FaceSearch, Person

ML_SOURCE = "machine-learning"


class FixedVector(UserDefinedType[list[float]]):
    """``vector(<dim>)``: the cast the per-dimension HNSW indexes of migration 0011 are built on."""

    cache_ok = True

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def get_col_spec(self, **kw: Any) -> str:
        return f"vector({self.dim})"


@dataclass(frozen=True)
class FaceMatch:
    face_id: uuid.UUID
    person_id: uuid.UUID | None
    distance: float


@dataclass(frozen=True)
class NewFace:
    """A detected face to store: a box in pixels of an ``image_width`` x ``image_height`` image."""

    id: uuid.UUID
    asset_id: uuid.UUID
    image_width: int
    image_height: int
    x1: int
    y1: int
    x2: int
    y2: int
    score: float | None
    embedding: list[float] | None = None
    source_type: str = ML_SOURCE
    person_id: uuid.UUID | None = None


@dataclass(frozen=True)
class FaceForRecognition:
    face: AssetFace
    owner_id: uuid.UUID
    asset_visibility: str
    dim: int | None
    embedding: list[float] | None


class FaceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- reading ------------------------------------------------------------------------------------

    async def get(self, face_id: uuid.UUID) -> AssetFace | None:
        return await self.session.get(AssetFace, face_id)

    async def faces_of_asset(
        self, asset_id: uuid.UUID, *, with_hidden_people: bool = True
    ) -> list[tuple[AssetFace, Person | None]]:
        """Visible, not deleted faces of the asset with their person, in a stable order."""
        query = (
            select(AssetFace, Person)
            .outerjoin(Person, Person.id == AssetFace.person_id)
            .where(
                AssetFace.asset_id == asset_id,
                AssetFace.deleted_at.is_(None),
                AssetFace.is_visible.is_(True),
            )
            .order_by(AssetFace.bounding_box_x1, AssetFace.id)
        )
        if not with_hidden_people:
            query = query.where(Person.id.is_(None) | Person.is_hidden.is_(False))
        return [(row[0], row[1]) for row in (await self.session.execute(query)).all()]

    async def ml_faces_of_asset(self, asset_id: uuid.UUID) -> list[AssetFace]:
        query = select(AssetFace).where(AssetFace.asset_id == asset_id, AssetFace.source_type == ML_SOURCE)
        return list((await self.session.execute(query)).scalars())

    async def for_recognition(self, face_id: uuid.UUID) -> FaceForRecognition | None:
        query = (
            select(AssetFace, Asset.owner_id, Asset.visibility, FaceSearch.dim, FaceSearch.embedding)
            .join(Asset, Asset.id == AssetFace.asset_id)
            .outerjoin(FaceSearch, FaceSearch.face_id == AssetFace.id)
            .where(AssetFace.id == face_id, AssetFace.deleted_at.is_(None), Asset.deleted_at.is_(None))
        )
        row = (await self.session.execute(query)).one_or_none()
        if row is None:
            return None
        return FaceForRecognition(row[0], row[1], row[2], row[3], row[4])

    async def owned_faces(self, user_id: uuid.UUID, face_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Faces on assets of ``user_id`` (Immich's face access: the asset's owner)."""
        wanted = list(set(face_ids))
        if not wanted:
            return set()
        query = (
            select(AssetFace.id)
            .join(Asset, Asset.id == AssetFace.asset_id)
            .where(AssetFace.id.in_(wanted), Asset.owner_id == user_id)
        )
        return set((await self.session.execute(query)).scalars())

    async def faces_by_asset_and_person(
        self, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> list[AssetFace]:
        """Faces of person ``p`` on asset ``a`` for each ``(p, a)``."""
        if not pairs:
            return []
        conditions = [and_(AssetFace.person_id == p, AssetFace.asset_id == a) for p, a in pairs]
        query = select(AssetFace).where(or_(*conditions), AssetFace.deleted_at.is_(None))
        return list((await self.session.execute(query)).scalars())

    async def any_face_of(self, person_id: uuid.UUID) -> AssetFace | None:
        """A face of the person to show: the best scored, machine-found one first."""
        query = (
            select(AssetFace)
            .where(AssetFace.person_id == person_id, AssetFace.deleted_at.is_(None))
            .order_by(AssetFace.score.desc().nulls_last(), AssetFace.id)
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def unassigned_ml_face_ids(self, after: uuid.UUID | None, limit: int) -> list[uuid.UUID]:
        query = (
            select(AssetFace.id)
            .where(
                AssetFace.person_id.is_(None),
                AssetFace.source_type == ML_SOURCE,
                AssetFace.deleted_at.is_(None),
            )
            .order_by(AssetFace.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(AssetFace.id > after)
        return list((await self.session.execute(query)).scalars())

    async def all_ml_face_ids(self, after: uuid.UUID | None, limit: int) -> list[uuid.UUID]:
        query = (
            select(AssetFace.id)
            .where(AssetFace.source_type == ML_SOURCE, AssetFace.deleted_at.is_(None))
            .order_by(AssetFace.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(AssetFace.id > after)
        return list((await self.session.execute(query)).scalars())

    async def latest_face_date(self) -> datetime | None:
        value: datetime | None = (await self.session.execute(select(func.max(AssetFace.created_at)))).scalar()
        return value

    # -- similarity ---------------------------------------------------------------------------------

    async def search(
        self,
        owner_ids: Sequence[uuid.UUID],
        embedding: Sequence[float],
        dim: int,
        *,
        max_distance: float,
        limit: int,
        has_person: bool = False,
    ) -> list[FaceMatch]:
        """The ``limit`` nearest faces (cosine distance) of the owners' live assets within
        ``max_distance``. The cast and the literal ``dim`` let PostgreSQL use the HNSW index."""
        vector = FixedVector(dim)
        distance: ColumnElement[float] = cast(FaceSearch.embedding, vector).op("<=>", return_type=Float)(
            cast(literal_column(f"'{_vector_text(embedding)}'"), vector)
        )
        nearest = (
            select(AssetFace.id, AssetFace.person_id, distance.label("distance"))
            .join(FaceSearch, FaceSearch.face_id == AssetFace.id)
            .join(Asset, Asset.id == AssetFace.asset_id)
            .where(
                FaceSearch.dim == literal_column(str(int(dim))),
                Asset.owner_id.in_(owner_ids),
                Asset.deleted_at.is_(None),
                AssetFace.deleted_at.is_(None),
            )
            .order_by(distance)
            .limit(limit)
        )
        if has_person:
            nearest = nearest.where(AssetFace.person_id.is_not(None))
        found = nearest.cte("nearest")
        query = select(found).where(found.c.distance <= max_distance).order_by(found.c.distance)
        rows = (await self.session.execute(query)).all()
        return [FaceMatch(row.id, row.person_id, float(row.distance)) for row in rows]

    # -- writing ------------------------------------------------------------------------------------

    async def add(self, faces: Sequence[NewFace]) -> None:
        if not faces:
            return
        rows = [
            {
                "id": face.id,
                "asset_id": face.asset_id,
                "person_id": face.person_id,
                "image_width": face.image_width,
                "image_height": face.image_height,
                "bounding_box_x1": face.x1,
                "bounding_box_y1": face.y1,
                "bounding_box_x2": face.x2,
                "bounding_box_y2": face.y2,
                "score": face.score,
                "source_type": face.source_type,
            }
            for face in faces
        ]
        await self.session.execute(insert(AssetFace).values(rows))
        embeddings = [(face.id, face.embedding) for face in faces if face.embedding is not None]
        await self.set_embeddings(embeddings)

    async def set_embeddings(self, embeddings: Sequence[tuple[uuid.UUID, list[float] | None]]) -> None:
        rows = [
            {"face_id": face_id, "dim": len(vector), "embedding": vector}
            for face_id, vector in embeddings
            if vector is not None
        ]
        if not rows:
            return
        statement = insert(FaceSearch).values(rows)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[FaceSearch.face_id],
                set_={"dim": statement.excluded.dim, "embedding": statement.excluded.embedding},
            )
        )

    async def delete(self, face_ids: Sequence[uuid.UUID]) -> None:
        if face_ids:
            await self.session.execute(delete(AssetFace).where(AssetFace.id.in_(face_ids)))

    async def soft_delete(self, face_id: uuid.UUID) -> None:
        await self.session.execute(
            update(AssetFace).where(AssetFace.id == face_id).values(deleted_at=func.now())
        )

    async def assign(self, face_ids: Sequence[uuid.UUID], person_id: uuid.UUID | None) -> None:
        if face_ids:
            await self.session.execute(
                update(AssetFace).where(AssetFace.id.in_(face_ids)).values(person_id=person_id)
            )

    async def move_all(self, old_person_id: uuid.UUID, new_person_id: uuid.UUID) -> None:
        await self.session.execute(
            update(AssetFace).where(AssetFace.person_id == old_person_id).values(person_id=new_person_id)
        )

    async def unassign_ml_faces(self) -> None:
        await self.session.execute(
            update(AssetFace)
            .where(AssetFace.source_type == ML_SOURCE, AssetFace.person_id.is_not(None))
            .values(person_id=None)
        )

    async def delete_ml_faces(self) -> None:
        await self.session.execute(delete(AssetFace).where(AssetFace.source_type == ML_SOURCE))


def _vector_text(embedding: Sequence[float]) -> str:
    return "[" + ",".join(repr(float(value)) for value in embedding) + "]"
