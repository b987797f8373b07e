"""The few counts the Prometheus exporter reads on a scrape (beyond the queue counts)."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import Asset, Job


class MetricsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ping(self) -> None:
        await self.session.execute(text("SELECT 1"))

    async def oldest_waiting_seconds(self) -> dict[str, float]:
        """Per queue, how long its oldest due waiting job has waited (paused queues included)."""
        waited = func.extract("epoch", func.now() - func.min(Job.run_at))
        query = (
            select(Job.queue, waited)
            .where(Job.status == "waiting", Job.run_at <= func.now())
            .group_by(Job.queue)
        )
        return {queue: float(seconds) for queue, seconds in (await self.session.execute(query)).all()}

    async def asset_counts(self) -> dict[str, int]:
        query = select(Asset.type, func.count()).where(Asset.deleted_at.is_(None)).group_by(Asset.type)
        return {asset_type: int(count) for asset_type, count in (await self.session.execute(query)).all()}
