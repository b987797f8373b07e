"""Queries on people (``person``) and what they are counted by: their faces on live assets."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, and_, case, cast, delete, func, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.faces import FixedVector
from albumen.db.tables import Asset, AssetFace, FaceSearch, Person


@dataclass(frozen=True)
class PeopleCounts:
    total: int
    hidden: int


def _visible_face_on_live_asset() -> Any:
    return and_(
        AssetFace.deleted_at.is_(None),
        AssetFace.is_visible.is_(True),
        Asset.deleted_at.is_(None),
        Asset.visibility != "hidden",
    )


class PersonRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: uuid.UUID) -> Person | None:
        return await self.session.get(Person, person_id)

    async def get_many(self, person_ids: Sequence[uuid.UUID]) -> list[Person]:
        if not person_ids:
            return []
        return list((await self.session.execute(select(Person).where(Person.id.in_(person_ids)))).scalars())

    async def owned(self, user_id: uuid.UUID, person_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        wanted = list(set(person_ids))
        if not wanted:
            return set()
        query = select(Person.id).where(Person.id.in_(wanted), Person.owner_id == user_id)
        return set((await self.session.execute(query)).scalars())

    async def create(self, owner_id: uuid.UUID, **values: Any) -> Person:
        given = {key: value for key, value in values.items() if value is not None}
        person = Person(owner_id=owner_id, **given)
        self.session.add(person)
        await self.session.flush()
        await self.session.refresh(person)
        return person

    async def update(self, person_id: uuid.UUID, values: dict[str, Any]) -> Person | None:
        if values:
            await self.session.execute(update(Person).where(Person.id == person_id).values(**values))
        person = await self.session.get(Person, person_id, populate_existing=True)
        return person

    async def delete(self, person_ids: Sequence[uuid.UUID]) -> list[str]:
        """Delete the people; returns their thumbnails' storage keys."""
        if not person_ids:
            return []
        result = await self.session.execute(
            delete(Person).where(Person.id.in_(person_ids)).returning(Person.thumbnail_path)
        )
        return [path for path in result.scalars() if path]

    async def list_for_user(
        self,
        owner_id: uuid.UUID,
        *,
        min_faces: int,
        with_hidden: bool,
        offset: int,
        limit: int,
        closest_face_id: uuid.UUID | None = None,
    ) -> tuple[list[Person], bool]:
        """Immich's people page: named people, or people with at least ``min_faces`` faces, visible
        before hidden, then favourites, named before unnamed, most faces first; or, with
        ``closest_face_id``, by distance to that face. Returns the page and whether more follow."""
        face_count = func.count(AssetFace.id)
        query = (
            select(Person)
            .join(AssetFace, AssetFace.person_id == Person.id)
            .join(Asset, Asset.id == AssetFace.asset_id)
            # Immich lists a person once their thumbnail exists.
            .where(Person.owner_id == owner_id, Person.thumbnail_path != "", _visible_face_on_live_asset())
            .group_by(Person.id)
            .having(or_named(face_count, min_faces))
        )
        if not with_hidden:
            query = query.where(Person.is_hidden.is_(False))
        if closest_face_id is not None:
            query = await self._order_by_closeness(query, closest_face_id)
        else:
            query = query.order_by(
                Person.is_hidden.asc(),
                Person.is_favorite.desc(),
                case((Person.name == "", 1), else_=0),
                face_count.desc(),
                Person.name.asc(),
                Person.created_at,
                Person.id,
            )
        rows = list((await self.session.execute(query.offset(offset).limit(limit + 1))).scalars())
        return rows[:limit], len(rows) > limit

    async def _order_by_closeness(self, query: Any, face_id: uuid.UUID) -> Any:
        reference = (
            await self.session.execute(select(FaceSearch.dim).where(FaceSearch.face_id == face_id))
        ).scalar_one_or_none()
        if reference is None:
            return query.order_by(Person.id)
        vector = FixedVector(int(reference))
        feature = FaceSearch.__table__.alias("feature_search")
        target = FaceSearch.__table__.alias("target_search")
        distance = cast(feature.c.embedding, vector).op("<=>", return_type=Float)(
            cast(target.c.embedding, vector)
        )
        return (
            query.join(feature, feature.c.face_id == Person.face_asset_id)
            .join(target, and_(target.c.face_id == face_id, target.c.dim == feature.c.dim))
            .group_by(feature.c.embedding, target.c.embedding)
            .order_by(distance, Person.id)
        )

    async def counts(self, owner_id: uuid.UUID) -> PeopleCounts:
        """People with a thumbnail and at least one visible face on a live asset, and how many of them
        are hidden."""
        has_face = (
            select(AssetFace.id)
            .join(Asset, Asset.id == AssetFace.asset_id)
            .where(AssetFace.person_id == Person.id, _visible_face_on_live_asset())
            .exists()
        )
        query = select(func.count(Person.id), func.count(Person.id).filter(Person.is_hidden.is_(True))).where(
            Person.owner_id == owner_id, Person.thumbnail_path != "", has_face
        )
        total, hidden = (await self.session.execute(query)).one()
        return PeopleCounts(int(total), int(hidden))

    async def asset_count(self, person_id: uuid.UUID) -> int:
        """Live, visible assets showing the person (Immich's statistics)."""
        query = (
            select(func.count(AssetFace.asset_id.distinct()))
            .join(Asset, Asset.id == AssetFace.asset_id)
            .where(AssetFace.person_id == person_id, _visible_face_on_live_asset())
        )
        return int((await self.session.execute(query)).scalar_one())

    async def set_feature_face(self, person_id: uuid.UUID, face_id: uuid.UUID | None) -> None:
        await self.session.execute(update(Person).where(Person.id == person_id).values(face_asset_id=face_id))

    async def set_thumbnail(self, person_id: uuid.UUID, path: str) -> None:
        await self.session.execute(update(Person).where(Person.id == person_id).values(thumbnail_path=path))

    async def with_feature_face(self, face_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """People whose feature photo is one of ``face_ids``."""
        if not face_ids:
            return []
        query = select(Person.id).where(Person.face_asset_id.in_(face_ids))
        return list((await self.session.execute(query)).scalars())


def or_named(face_count: Any, min_faces: int) -> Any:
    """Immich lists a person once named or once they have ``minFaces`` faces."""
    return (Person.name != "") | (face_count >= literal_column(str(int(min_faces))))
