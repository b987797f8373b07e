"""Queries on ``integrity_report``, and the file references the integrity checks compare with the disk."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import Asset, AssetFile, IntegrityReport, Person, User


@dataclass(frozen=True)
class FileReference:
    """A file the database expects: an asset's original or one of its derived files."""

    path: str
    asset_id: uuid.UUID | None = None
    file_asset_id: uuid.UUID | None = None


@dataclass(frozen=True)
class OriginalChecksum:
    asset_id: uuid.UUID
    path: str
    checksum: bytes
    created_at: datetime


class IntegrityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- reports ----------------------------------------------------------------------------------

    async def summary(self) -> dict[str, int]:
        query = select(IntegrityReport.type, func.count()).group_by(IntegrityReport.type)
        return {report_type: int(count) for report_type, count in (await self.session.execute(query)).all()}

    async def page(self, report_type: str, after: uuid.UUID | None, limit: int) -> Sequence[IntegrityReport]:
        """Reports of one type in creation order (UUIDv7), from just after ``after``."""
        query = select(IntegrityReport).where(IntegrityReport.type == report_type)
        if after is not None:
            query = query.where(IntegrityReport.id > after)
        return (await self.session.execute(query.order_by(IntegrityReport.id).limit(limit))).scalars().all()

    async def get(self, report_id: uuid.UUID) -> IntegrityReport | None:
        return await self.session.get(IntegrityReport, report_id)

    async def create_many(self, reports: Sequence[dict[str, Any]]) -> None:
        """Record findings; one already reported (same type and path) stays as it is."""
        if reports:
            statement = insert(IntegrityReport).values(list(reports)).on_conflict_do_nothing()
            await self.session.execute(statement)

    async def delete_ids(self, report_ids: Sequence[uuid.UUID]) -> None:
        if report_ids:
            await self.session.execute(delete(IntegrityReport).where(IntegrityReport.id.in_(report_ids)))

    async def delete_paths(self, report_type: str, paths: Sequence[str]) -> None:
        if paths:
            await self.session.execute(
                delete(IntegrityReport).where(
                    IntegrityReport.type == report_type, IntegrityReport.path.in_(paths)
                )
            )

    # -- what the database expects on disk ----------------------------------------------------------

    async def original_references(self, after: uuid.UUID | None, limit: int) -> list[FileReference]:
        """Uploaded originals in id order, from just after ``after``."""
        query = select(Asset.id, Asset.original_path).where(
            Asset.deleted_at.is_(None), Asset.library_id.is_(None)
        )
        if after is not None:
            query = query.where(Asset.id > after)
        rows = (await self.session.execute(query.order_by(Asset.id).limit(limit))).all()
        return [FileReference(path, asset_id=asset_id) for asset_id, path in rows]

    async def derived_references(self, after: uuid.UUID | None, limit: int) -> list[FileReference]:
        """Thumbnails, previews and other derived files in id order, from just after ``after``."""
        query = select(AssetFile.id, AssetFile.path)
        if after is not None:
            query = query.where(AssetFile.id > after)
        rows = (await self.session.execute(query.order_by(AssetFile.id).limit(limit))).all()
        return [FileReference(path, file_asset_id=file_id) for file_id, path in rows]

    async def known_paths(self, paths: Sequence[str]) -> set[str]:
        """Which of ``paths`` (storage keys) some row points at."""
        if not paths:
            return set()
        columns = (
            Asset.original_path,
            Asset.encoded_video_path,
            Asset.sidecar_path,
            AssetFile.path,
            Person.thumbnail_path,
            User.profile_image_path,
        )
        found: set[str] = set()
        for column in columns:
            query = select(column).where(column.in_(paths))
            found.update(value for value in (await self.session.execute(query)).scalars() if value)
        return found

    async def asset_count(self) -> int:
        query = select(func.count()).where(Asset.deleted_at.is_(None), Asset.library_id.is_(None))
        return int((await self.session.execute(query)).scalar_one())

    async def originals(
        self, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> Sequence[OriginalChecksum]:
        """Uploaded originals with their SHA-1, oldest first, from just after ``after``."""
        query = select(Asset.id, Asset.original_path, Asset.checksum, Asset.created_at).where(
            Asset.deleted_at.is_(None), Asset.library_id.is_(None)
        )
        if after is not None:
            query = query.where(tuple_(Asset.created_at, Asset.id) > tuple_(*after))
        rows = (await self.session.execute(query.order_by(Asset.created_at, Asset.id).limit(limit))).all()
        return [OriginalChecksum(row.id, row.original_path, row.checksum, row.created_at) for row in rows]

    async def checksum_of(self, asset_id: uuid.UUID) -> bytes | None:
        query = select(Asset.checksum).where(Asset.id == asset_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    # -- acting on a report -------------------------------------------------------------------------

    async def trash_asset(self, asset_id: uuid.UUID) -> None:
        await self.session.execute(
            update(Asset)
            .where(Asset.id == asset_id, Asset.deleted_at.is_(None))
            .values(deleted_at=func.now(), status="trashed")
        )

    async def delete_asset_file(self, file_asset_id: uuid.UUID) -> None:
        await self.session.execute(delete(AssetFile).where(AssetFile.id == file_asset_id))
