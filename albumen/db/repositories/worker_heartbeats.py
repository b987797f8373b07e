"""Queries on ``worker_heartbeat``: job workers announce they are alive; readiness reads the newest."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import WorkerHeartbeat


class WorkerHeartbeatRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def beat(self, worker_id: str) -> None:
        statement = insert(WorkerHeartbeat).values(worker_id=worker_id)
        statement = statement.on_conflict_do_update(
            index_elements=[WorkerHeartbeat.worker_id], set_={"seen_at": func.now()}
        )
        await self.session.execute(statement)

    async def remove(self, worker_id: str) -> None:
        await self.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.worker_id == worker_id))

    async def latest(self) -> datetime | None:
        """When the most recently seen worker last beat, or None when no worker ever did."""
        return (await self.session.execute(select(func.max(WorkerHeartbeat.seen_at)))).scalar_one_or_none()

    async def count_alive(self, within: timedelta) -> int:
        query = select(func.count()).where(WorkerHeartbeat.seen_at > func.now() - within)
        return int((await self.session.execute(query)).scalar_one())

    async def prune(self, older_than: timedelta) -> None:
        """Forget workers that stopped without saying so (killed, host gone)."""
        await self.session.execute(
            delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < func.now() - older_than)
        )
