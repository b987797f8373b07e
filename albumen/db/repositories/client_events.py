"""Queries for client events: ``pg_notify`` and the table holding payloads too large for it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import String, bindparam, delete, func, insert, select, text, union
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import Album, AlbumUser, ClientEvent


class ClientEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def notify(self, channel: str, payload: str) -> None:
        """Queued by PostgreSQL until the transaction commits; dropped if it rolls back."""
        await self.session.execute(select(func.pg_notify(channel, payload)))

    async def notify_many(self, channel: str, payloads: Sequence[str]) -> None:
        """One round trip for many notifications (a purge announces every asset it deletes)."""
        query = text("SELECT pg_notify(:channel, payload) FROM unnest(:payloads) AS payload").bindparams(
            bindparam("payloads", type_=ARRAY(String))
        )
        await self.session.execute(query, {"channel": channel, "payloads": list(payloads)})

    async def store(self, payload: str) -> uuid.UUID:
        query = insert(ClientEvent).values(payload=payload).returning(ClientEvent.id)
        event_id: uuid.UUID = (await self.session.execute(query)).scalar_one()
        return event_id

    async def load(self, event_id: uuid.UUID) -> str | None:
        query = select(ClientEvent.payload).where(ClientEvent.id == event_id)
        payload: str | None = (await self.session.execute(query)).scalar_one_or_none()
        return payload

    async def prune(self, created_before: datetime) -> None:
        await self.session.execute(delete(ClientEvent).where(ClientEvent.created_at < created_before))

    async def album_audience(self, album_ids: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """``(album_id, user_id)`` for each album's owner and members."""
        if not album_ids:
            return []
        owners = select(Album.id, Album.owner_id).where(Album.id.in_(album_ids))
        members = select(AlbumUser.album_id, AlbumUser.user_id).where(AlbumUser.album_id.in_(album_ids))
        rows = (await self.session.execute(union(owners, members))).all()
        return [(row[0], row[1]) for row in rows]
