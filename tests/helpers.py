"""Steps many tests share, done through the public API as a client would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from albumen.api.app import create_app
from albumen.api.state import AppState
from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.tables import Job, JobQueue
from albumen.services.pipeline.context import Pipeline
from albumen.services.pipeline.registry import build_registry
from albumen.worker import run_workers

ADMIN_EMAIL = "admin@albumen.test"
ADMIN_PASSWORD = "admin-password"


@dataclass
class LoggedIn:
    user_id: str
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def sign_up_admin(client: httpx.AsyncClient) -> LoggedIn:
    response = await client.post(
        "/api/auth/admin-sign-up", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "name": "Admin"}
    )
    assert response.status_code == 201, response.text
    return await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)


async def login(client: httpx.AsyncClient, email: str, password: str, **headers: str) -> LoggedIn:
    response = await client.post(
        "/api/auth/login", json={"email": email, "password": password}, headers=headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    client.cookies.clear()  # tests pass credentials explicitly
    return LoggedIn(user_id=body["userId"], email=email, password=password, token=body["accessToken"])


async def create_user(
    client: httpx.AsyncClient, admin: LoggedIn, email: str, password: str = "user-password", **fields: Any
) -> LoggedIn:
    """Create a user as the admin and log in as them (``shouldChangePassword`` off unless given)."""
    body = {"email": email, "password": password, "name": email.split("@")[0], "shouldChangePassword": False}
    body.update(fields)
    response = await client.post("/api/admin/users", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    return await login(client, email, password)


async def create_api_key(
    client: httpx.AsyncClient, owner: LoggedIn, permissions: list[str] | None = None, name: str = "test key"
) -> str:
    response = await client.post(
        "/api/api-keys", json={"name": name, "permissions": permissions or ["all"]}, headers=owner.headers
    )
    assert response.status_code == 201, response.text
    secret: str = response.json()["secret"]
    return secret


@asynccontextmanager
async def app_client(database: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Another app instance on the same database, e.g. a restart or one started with other settings."""
    app = create_app(AppState(settings=settings, database=database))
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://albumen.test") as http:
        yield http


UPLOAD_DATES = {"fileCreatedAt": "2024-07-14T18:30:00.000Z", "fileModifiedAt": "2024-07-14T18:30:00.000Z"}


async def upload_asset(
    client: httpx.AsyncClient,
    user: LoggedIn,
    path: Path,
    *,
    filename: str | None = None,
    content: bytes | None = None,
    **fields: str,
) -> httpx.Response:
    """``POST /api/assets`` as the CLI sends it (multipart ``assetData`` plus the date fields)."""
    data = {**UPLOAD_DATES, **fields}
    body = content if content is not None else path.read_bytes()
    files = {"assetData": (filename or path.name, body, "application/octet-stream")}
    return await client.post("/api/assets", data=data, files=files, headers=user.headers)


async def run_jobs(database: Database, settings: Settings, *, timeout: float = 60) -> None:  # noqa: ASYNC109
    """Run a worker with the app's job handlers until no job it can run is waiting or active (what an
    upload queued: metadata, thumbnails, video encoding...). Raises TimeoutError after ``timeout``.

    Jobs postponed because a service they need is down (``RetryLater``, e.g. machine learning with no
    ML service reachable) do not count: they wait for the service, not for this worker."""
    names = [str(name) for name in build_registry(Pipeline(database, settings)).handlers]
    postponed = (Job.run_at > func.now()) & func.coalesce(Job.error, "").like("RetryLater:%")
    pending = (
        select(func.count())
        .select_from(Job)
        .where(
            Job.status.in_(("waiting", "active")),
            Job.name.in_(names),
            Job.queue.not_in(select(JobQueue.name).where(JobQueue.is_paused.is_(True))),
            ~(postponed & (Job.status == "waiting")),
        )
    )
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_workers(database, settings, stop, with_schedule=False, poll_interval=0.1, shutdown_timeout=5)
    )
    try:
        async with asyncio.timeout(timeout):
            while not worker.done():
                async with database.session() as session:
                    if (await session.execute(pending)).scalar_one() == 0:
                        break
                await asyncio.sleep(0.1)
    finally:
        stop.set()
        await worker
