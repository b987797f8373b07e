"""The ``Server`` tag: ping, version and what this server can do."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from albumen.api.deps import DbSession, State, authenticated
from albumen.dto.server import (
    LicenseKeyDto,
    ServerAboutResponseDto,
    ServerApkLinksDto,
    ServerConfigDto,
    ServerFeaturesDto,
    ServerMediaTypesResponseDto,
    ServerPingResponse,
    ServerStatsResponseDto,
    ServerStorageResponseDto,
    ServerVersionHistoryResponseDto,
    ServerVersionResponseDto,
    VersionCheckStateResponseDto,
)
from albumen.dto.users import UserLicense
from albumen.permissions import Permission
from albumen.services import server as server_service
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/server", tags=["Server"])


@router.get("/ping")
async def ping_server() -> ServerPingResponse:
    return ServerPingResponse(res="pong")


@router.get("/version")
async def get_server_version() -> ServerVersionResponseDto:
    return server_service.version()


@router.get("/version-history")
async def get_version_history(db: DbSession) -> list[ServerVersionHistoryResponseDto]:
    return await server_service.version_history(db)


@router.get("/features")
async def get_server_features(db: DbSession, state: State) -> ServerFeaturesDto:
    return await server_service.features(db, state.settings)


@router.get("/config")
async def get_server_config(db: DbSession, state: State) -> ServerConfigDto:
    return await server_service.server_config(db, state.settings)


@router.get("/media-types")
async def get_supported_media_types() -> ServerMediaTypesResponseDto:
    return server_service.media_types()


@router.get("/about", response_model_exclude_none=True)
async def get_about_info(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.SERVER_ABOUT)]
) -> ServerAboutResponseDto:
    return await server_service.about(db)


@router.get("/apk-links")
async def get_apk_links(
    auth: Annotated[AuthContext, authenticated(Permission.SERVER_APK_LINKS)],
) -> ServerApkLinksDto:
    return server_service.apk_links()


@router.get("/storage")
async def get_storage(
    state: State, auth: Annotated[AuthContext, authenticated(Permission.SERVER_STORAGE)]
) -> ServerStorageResponseDto:
    return server_service.storage(state.settings)


@router.get("/statistics")
async def get_server_statistics(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.SERVER_STATISTICS, admin=True)]
) -> ServerStatsResponseDto:
    return await server_service.statistics(db)


@router.get("/version-check")
async def get_version_check(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.SERVER_VERSION_CHECK)]
) -> VersionCheckStateResponseDto:
    return await server_service.version_check(db)


@router.get("/license")
async def get_server_license(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.SERVER_LICENSE_READ, admin=True)]
) -> UserLicense:
    return await server_service.get_license(db)


@router.put("/license")
async def set_server_license(
    body: LicenseKeyDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.SERVER_LICENSE_UPDATE, admin=True)],
) -> UserLicense:
    return await server_service.set_license(db, body)


@router.delete("/license", status_code=status.HTTP_204_NO_CONTENT)
async def delete_server_license(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.SERVER_LICENSE_DELETE, admin=True)]
) -> None:
    await server_service.delete_license(db)
