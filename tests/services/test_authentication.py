from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, update

from albumen.db.engine import Database
from albumen.db.tables import Session
from tests.helpers import ADMIN_EMAIL, ADMIN_PASSWORD, sign_up_admin

APP_V1 = {"User-Agent": "immich-android/1.140.0", "deviceModel": "Pixel 8", "deviceType": "Android"}


async def test_session_follows_the_mobile_app_upgrade(client: httpx.AsyncClient) -> None:
    await sign_up_admin(client)
    login = await client.post(
        "/api/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, headers=APP_V1
    )
    token = login.json()["accessToken"]
    client.cookies.clear()
    upgraded = {"Authorization": f"Bearer {token}", "User-Agent": "immich-android/3.1.0"}
    await client.get("/api/users/me", headers=upgraded)
    sessions = (await client.get("/api/sessions", headers=upgraded)).json()
    current = next(session for session in sessions if session["current"])
    assert current["appVersion"] == "3.1.0"
    assert current["deviceOS"] == "Android"


async def test_using_an_unlocked_session_keeps_the_locked_folder_open(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    almost_expired = datetime.now(UTC) + timedelta(minutes=1)
    async with database.session() as db:
        await db.execute(update(Session).values(pin_expires_at=almost_expired))
        await db.commit()
    status = (await client.get("/api/auth/status", headers=admin.headers)).json()
    assert status["isElevated"] is True
    async with database.session() as db:
        extended = (await db.execute(select(Session.pin_expires_at))).scalar_one()
    assert extended > almost_expired + timedelta(minutes=3)


async def test_an_expired_unlock_is_not_extended(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    async with database.session() as db:
        await db.execute(update(Session).values(pin_expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        await db.commit()
    status = (await client.get("/api/auth/status", headers=admin.headers)).json()
    assert status["isElevated"] is False
