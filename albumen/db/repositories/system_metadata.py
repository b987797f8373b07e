"""Queries on ``system_metadata``: server-wide JSON documents stored under Immich's key names."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import SystemMetadata


class SystemMetadataRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: str) -> Any | None:
        query = select(SystemMetadata.value).where(SystemMetadata.key == key)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def set(self, key: str, value: Any) -> None:
        statement = insert(SystemMetadata).values(key=key, value=value)
        statement = statement.on_conflict_do_update(
            index_elements=[SystemMetadata.key], set_={"value": value}
        )
        await self.session.execute(statement)

    async def set_default_field(self, key: str, field: str, value: Any) -> Any:
        """Store ``value`` under ``field`` of the ``key`` document unless the field is already there
        (atomically, whoever comes first wins); returns the field's stored value."""
        document = {field: value}
        statement = insert(SystemMetadata).values(key=key, value=document)
        upsert = statement.on_conflict_do_update(
            index_elements=[SystemMetadata.key],
            set_={"value": statement.excluded.value.op("||")(SystemMetadata.value)},
        ).returning(SystemMetadata.value[field].astext)
        return (await self.session.execute(upsert)).scalar_one()

    async def delete(self, key: str) -> None:
        await self.session.execute(delete(SystemMetadata).where(SystemMetadata.key == key))
