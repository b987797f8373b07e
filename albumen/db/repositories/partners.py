"""Queries on ``partner``: who shares their whole library with whom."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import Partner, User


class PartnerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, shared_by_id: uuid.UUID, shared_with_id: uuid.UUID) -> Partner | None:
        return await self.session.get(Partner, (shared_by_id, shared_with_id))

    async def create(self, shared_by_id: uuid.UUID, shared_with_id: uuid.UUID) -> Partner | None:
        """The new share, or None when it already existed."""
        statement = (
            insert(Partner)
            .values(shared_by_id=shared_by_id, shared_with_id=shared_with_id)
            .on_conflict_do_nothing()
            .returning(Partner)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def set_in_timeline(
        self, shared_by_id: uuid.UUID, shared_with_id: uuid.UUID, in_timeline: bool
    ) -> Partner | None:
        statement = (
            update(Partner)
            .where(Partner.shared_by_id == shared_by_id, Partner.shared_with_id == shared_with_id)
            .values(in_timeline=in_timeline)
            .returning(Partner)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def delete(self, shared_by_id: uuid.UUID, shared_with_id: uuid.UUID) -> bool:
        statement = (
            delete(Partner)
            .where(Partner.shared_by_id == shared_by_id, Partner.shared_with_id == shared_with_id)
            .returning(Partner.shared_by_id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def list_shared_by(self, user_id: uuid.UUID) -> Sequence[tuple[Partner, User]]:
        """Shares ``user_id`` made, with the user each is shared with (deleted users left out)."""
        query = (
            select(Partner, User)
            .join(User, User.id == Partner.shared_with_id)
            .where(Partner.shared_by_id == user_id, User.deleted_at.is_(None))
            .order_by(User.name, User.id)
        )
        return [(partner, user) for partner, user in (await self.session.execute(query)).all()]

    async def list_shared_with(self, user_id: uuid.UUID) -> Sequence[tuple[Partner, User]]:
        """Shares made with ``user_id``, with the user who shares (deleted users left out)."""
        query = (
            select(Partner, User)
            .join(User, User.id == Partner.shared_by_id)
            .where(Partner.shared_with_id == user_id, User.deleted_at.is_(None))
            .order_by(User.name, User.id)
        )
        return [(partner, user) for partner, user in (await self.session.execute(query)).all()]
