"""A worker process for the crash test: ``python -m tests.jobs.crash_worker DB_URL STARTED_FILE``.

Its handler writes STARTED_FILE and then hangs, so the test can SIGKILL it mid-job.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from albumen.db.engine import Database
from albumen.jobs import JobContext, JobName, JobRegistry, Worker


async def main(url: str, started_file: str) -> None:
    async def hang(ctx: JobContext) -> None:
        await asyncio.to_thread(Path(started_file).write_text, str(ctx.id))
        await asyncio.sleep(3600)

    registry = JobRegistry()
    registry.register(JobName.ASSET_EXTRACT_METADATA, hang)
    database = Database.connect(url, pool_size=2)
    await Worker(database, registry, lease_seconds=1.0, poll_interval=0.1).run(asyncio.Event())


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
