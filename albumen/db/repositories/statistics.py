"""Per-user asset counts and storage use, for the admin's server statistics."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import Asset, AssetExif, User

IMAGE = "IMAGE"
VIDEO = "VIDEO"
HIDDEN = "hidden"


@dataclass(frozen=True)
class UserUsage:
    user_id: uuid.UUID
    user_name: str
    photos: int
    videos: int
    usage: int
    usage_photos: int
    usage_videos: int
    quota_size_in_bytes: int | None


class StatisticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def usage_by_user(self) -> Sequence[UserUsage]:
        """Every live user, oldest first. Counts skip hidden assets (live-photo motion parts); usage
        counts only uploaded files, not external-library ones, the way Immich measures quota."""
        size = func.coalesce(Asset.file_size, AssetExif.file_size_in_byte, 0)
        uploaded = Asset.library_id.is_(None)

        def count(asset_type: str) -> ColumnElement[Any]:
            return func.count(Asset.id).filter(Asset.type == asset_type, Asset.visibility != HIDDEN)

        def total(*conditions: ColumnElement[bool]) -> ColumnElement[Any]:
            return func.coalesce(func.sum(size).filter(uploaded, *conditions), 0).cast(BigInteger)

        query = (
            select(
                User.id,
                User.name,
                count(IMAGE),
                count(VIDEO),
                total(),
                total(Asset.type == IMAGE),
                total(Asset.type == VIDEO),
                User.quota_size_in_bytes,
            )
            .select_from(User)
            .outerjoin(Asset, and_(Asset.owner_id == User.id, Asset.deleted_at.is_(None)))
            .outerjoin(AssetExif, AssetExif.asset_id == Asset.id)
            .where(User.deleted_at.is_(None))
            .group_by(User.id)
            .order_by(User.created_at)
        )
        rows = (await self.session.execute(query)).all()
        return [
            UserUsage(
                user_id=row[0],
                user_name=row[1],
                photos=int(row[2]),
                videos=int(row[3]),
                usage=int(row[4]),
                usage_photos=int(row[5]),
                usage_videos=int(row[6]),
                quota_size_in_bytes=row[7],
            )
            for row in rows
        ]
