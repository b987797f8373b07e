"""The FastAPI application: routers (one per Immich tag), error handlers and middleware."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from albumen.api import (
    api_keys,
    auth,
    auth_admin,
    config_admin,
    config_public,
    config_user,
    server,
    sessions,
    system_config,
    system_metadata,
    users,
    users_admin,
    well_known,
)
from albumen.api.errors import install_error_handlers
from albumen.api.middleware import CorrelationIdMiddleware
from albumen.api.state import AppState
from albumen.version import ALBUMEN_VERSION

API_ROUTERS = (
    server.router,
    auth.router,
    auth_admin.router,
    users.router,
    users_admin.router,
    sessions.router,
    api_keys.router,
    config_admin.router,
    config_public.router,
    config_user.router,
    system_config.router,
    system_metadata.router,
)


def create_app(state: AppState) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await state.database.dispose()

    app = FastAPI(
        title="Albumen",
        version=ALBUMEN_VERSION,
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.albumen = state
    install_error_handlers(app)
    app.add_middleware(CorrelationIdMiddleware)
    app.include_router(well_known.router)
    for router in API_ROUTERS:
        app.include_router(router, prefix="/api")
    return app
