"""Text in photos: read by a real ``albumen ml`` service, then found by ``/search/metadata`` ``ocr``."""

from __future__ import annotations

import httpx

from albumen.config import Settings
from albumen.db.engine import Database
from tests.helpers import run_jobs, sign_up_admin
from tests.ml_service import ml_url, use_ml
from tests.services.pipeline.support import ASSETS, upload

__all__ = ["ml_url"]


async def test_the_words_on_a_photo_find_it(
    client: httpx.AsyncClient, database: Database, settings: Settings, ml_url: str
) -> None:
    admin = await sign_up_admin(client)
    await use_ml(client, admin, ml_url)
    beer = await upload(client, admin, ASSETS / "albums/text/craft-beer.jpg")
    await upload(client, admin, ASSETS / "albums/nature/silver_fir.jpg")
    await run_jobs(database, settings, timeout=180)

    async def found(text: str) -> list[str]:
        response = await client.post("/api/search/metadata", json={"ocr": text}, headers=admin.headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["assets"]["items"]]

    assert await found("WEEKEND WARRIOR") == [beer]
    assert await found("weekend warrior") == [beer]
    assert await found("no such words") == []

    lines = (await client.get(f"/api/assets/{beer}/ocr", headers=admin.headers)).json()
    assert any("WEEKEND WARRIOR" in line["text"] for line in lines)
    assert all(0 <= line["x1"] <= 1 and 0 <= line["y1"] <= 1 for line in lines)
