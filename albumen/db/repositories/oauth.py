"""Queries behind OAuth login: users by their provider subject, sessions by the provider's session."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import Session, User


class OAuthRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def user_by_oauth_id(self, oauth_id: str) -> User | None:
        query = select(User).where(User.oauth_id == oauth_id, User.deleted_at.is_(None))
        return (await self.session.execute(query)).scalar_one_or_none()

    async def delete_sessions(self, *, oauth_sid: str | None, oauth_id: str | None) -> list[uuid.UUID]:
        """Sessions opened by the provider session ``oauth_sid``, or else every session of the user
        linked to ``oauth_id``; returns the deleted sessions' ids."""
        statement = delete(Session).returning(Session.id)
        if oauth_sid:
            statement = statement.where(Session.oauth_sid == oauth_sid)
        elif oauth_id:
            statement = statement.where(Session.user_id.in_(select(User.id).where(User.oauth_id == oauth_id)))
        else:
            return []
        return list((await self.session.execute(statement)).scalars())
