"""Queries of the nightly cleanup jobs: empty tags, people without faces."""

from __future__ import annotations

from sqlalchemy import and_, delete, exists
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import (
    AssetFace,
    Person,
    Tag,
    TagAsset,
    TagClosure,
)


class CleanupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def delete_empty_tags(self) -> int:
        """Tags with no asset, directly or through a descendant (Immich's TagCleanup)."""
        used = exists().where(
            and_(TagClosure.id_ancestor == Tag.id, TagAsset.tag_id == TagClosure.id_descendant)
        )
        result = await self.session.execute(delete(Tag).where(~used).returning(Tag.id))
        return len(result.scalars().all())

    async def delete_people_without_faces(self) -> int:
        """People no face points at any more (Immich's PersonCleanup)."""
        has_face = exists().where(AssetFace.person_id == Person.id)
        result = await self.session.execute(delete(Person).where(~has_face).returning(Person.id))
        return len(result.scalars().all())
