"""Helpers for the job queue tests: workers run as tasks on the test's event loop, on their own pools."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import select

from albumen.db.engine import Database
from albumen.db.tables import Job
from albumen.jobs import JobRegistry, Worker

StartWorker = Callable[..., AbstractAsyncContextManager[Worker]]


@pytest.fixture
def start_worker(database_url: str) -> StartWorker:
    """``async with start_worker(registry, **options) as worker:`` runs a Worker with its own engine."""

    @asynccontextmanager
    async def start(registry: JobRegistry, **options: Any) -> AsyncIterator[Worker]:
        database = Database.connect(database_url, pool_size=4)
        options.setdefault("poll_interval", 0.2)
        options.setdefault("shutdown_timeout", 5.0)
        worker = Worker(database, registry, options.pop("concurrency_source", None), **options)
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop))
        try:
            yield worker
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
            await database.dispose()

    return start


async def jobs_in_db(database: Database) -> list[Job]:
    async with database.session() as session:
        return list((await session.execute(select(Job).order_by(Job.id))).scalars())


async def wait_until(predicate: Callable[[], Any], within: float = 10.0, interval: float = 0.05) -> None:
    """Await ``predicate()`` (sync or async) until it is truthy."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(interval)
