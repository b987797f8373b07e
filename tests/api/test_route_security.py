"""Every route guards itself the way Immich's does: same permission, same admin-only flag."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from albumen.api.app import API_ROUTERS, create_app
from tests.conftest import SHARED
from tests.helpers import create_user, sign_up_admin

SPEC = json.loads((SHARED / "immich-api" / "openapi.json").read_text())
OPERATIONS_322 = json.loads((SHARED / "immich-api" / "operations-3.2.2.json").read_text())


#: Where Albumen is deliberately stricter than Immich's spec.
STRICTER_THAN_IMMICH = {
    # The 3.1.0 spec marks this one user.read and not admin-only; it reveals another user's activity.
    ("GET", "/admin/users/{}/calendar-heatmap"): ("adminUser.read", True),
}


def _normalise(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _spec_security() -> dict[tuple[str, str], tuple[str | None, bool, bool]]:
    """(METHOD, path) -> (permission, admin-only, authenticated) from Immich's 3.1.0 spec."""
    found = {}
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            found[(method.upper(), _normalise(path))] = (
                operation.get("x-immich-permission"),
                bool(operation.get("x-immich-admin-only")),
                bool(operation.get("security")),
            )
    return found


def _guard(route: APIRoute) -> tuple[bool, Any, bool]:
    """(has auth dependency, permission, admin) declared on the route."""
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if hasattr(dependency.call, "albumen_permission"):
            permission = dependency.call.albumen_permission
            return True, permission.value if permission is not None else None, dependency.call.albumen_admin
        stack.extend(dependency.dependencies)
    return False, None, False


def _api_routes(app: FastAPI) -> Iterator[tuple[str, str, APIRoute]]:
    """Every route mounted under /api (read from the routers: FastAPI includes them lazily)."""
    routes = [route for router in API_ROUTERS for route in router.routes if isinstance(route, APIRoute)]
    assert len(routes) > 10
    for route in routes:
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            yield method, "/api" + route.path, route


@pytest.fixture
def app(client: httpx.AsyncClient) -> FastAPI:
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    application = transport.app
    assert isinstance(application, FastAPI)
    return application


#: Albumen's own routes under /api, beside Immich's operations.
ALBUMEN_OPERATIONS = {
    # Readiness for load balancers and Kubernetes probes (docs/monitoring.md); Immich has only ping.
    ("GET", "/server/ready"),
}


def test_every_route_is_an_immich_operation(app: FastAPI) -> None:
    known = {(op["method"], _normalise(op["path"])) for op in OPERATIONS_322} | ALBUMEN_OPERATIONS
    extra = [
        f"{method} {path}"
        for method, path, _ in _api_routes(app)
        if (method, _normalise(path.removeprefix("/api"))) not in known
        and path.startswith("/api/")
        and not path.startswith(("/api/docs", "/api/openapi"))
    ]
    assert extra == [], "routes Immich 3.2.2 does not have"


def test_routes_declare_immich_permissions(app: FastAPI) -> None:
    spec = _spec_security()
    mismatches = []
    for method, path, route in _api_routes(app):
        expected = spec.get((method, _normalise(path.removeprefix("/api"))))
        if expected is None:
            continue  # 3.2.2-only operation: not in the 3.1.0 spec
        permission, admin_only, authenticated = expected
        key = (method, _normalise(path.removeprefix("/api")))
        if key in STRICTER_THAN_IMMICH:
            permission, admin_only = STRICTER_THAN_IMMICH[key]
        has_auth, declared, declared_admin = _guard(route)
        if (has_auth, declared if has_auth else None, declared_admin) != (
            authenticated,
            permission if authenticated else None,
            admin_only,
        ):
            mismatches.append(
                f"{method} {path}: spec auth={authenticated} permission={permission} admin={admin_only}; "
                f"route auth={has_auth} permission={declared} admin={declared_admin}"
            )
    assert mismatches == []


async def test_non_admin_gets_403_on_every_admin_route(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    admin_routes = [(m, p, r) for m, p, r in _api_routes(app) if _guard(r)[2]]
    assert any(path.startswith("/api/admin/") for _, path, _ in admin_routes)
    public = {key for key, (_, _, authenticated) in _spec_security().items() if not authenticated}
    assert all(
        _guard(r)[2]
        for m, p, r in _api_routes(app)
        if p.startswith("/api/admin/") and (m, _normalise(p.removeprefix("/api"))) not in public
    ), "every /api/admin route is admin-only, but the maintenance ones Immich leaves open"
    for method, path, _ in admin_routes:
        url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        response = await client.request(method, url, headers=user.headers, json={})
        assert response.status_code == 403, f"{method} {path} -> {response.status_code} {response.text}"
        assert response.json() == {"message": "Forbidden"}
        anonymous = await client.request(method, url, json={})
        assert anonymous.status_code == 401, f"{method} {path} anonymous -> {anonymous.status_code}"


def test_app_factory_builds_the_same_routes_twice(app: FastAPI) -> None:
    assert len(app.routes) == len(create_app(app.state.albumen).routes)


async def test_every_declared_route_is_reachable(client: httpx.AsyncClient, app: FastAPI) -> None:
    """Guards against routers that exist but are not mounted: no declared route answers 'Cannot GET'."""
    for method, path, _ in _api_routes(app):
        url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        response = await client.request(method, url)
        assert not response.text.startswith('{"message":"Cannot '), f"{method} {path} is not mounted"
