from __future__ import annotations

import httpx


async def test_ping_answers_pong_as_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/server/ping")
    assert response.status_code == 200
    assert response.json() == {"res": "pong"}
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-correlation-id"]


async def test_well_known_points_clients_at_the_api(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/immich")
    assert response.json() == {"api": {"endpoint": "/api"}}


async def test_version_reports_the_immich_release_clients_gate_on(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/server/version")).json()
    assert (body["major"], body["minor"], body["patch"]) == (3, 2, 2)


async def test_unknown_route_is_a_json_404_in_immich_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/does-not-exist", params={"whatever": "1"})
    assert response.status_code == 404
    assert response.json() == {"message": "Cannot GET /api/does-not-exist"}
    assert response.headers["content-type"].startswith("application/json")
