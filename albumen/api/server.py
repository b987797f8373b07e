"""The ``Server`` tag: ping, version and what this server can do."""

from __future__ import annotations

from fastapi import APIRouter

from albumen.dto.server import ServerPingResponse, ServerVersionResponseDto
from albumen.services import server as server_service

router = APIRouter(prefix="/server", tags=["Server"])


@router.get("/ping")
async def ping_server() -> ServerPingResponse:
    return ServerPingResponse(res="pong")


@router.get("/version")
async def get_server_version() -> ServerVersionResponseDto:
    return ServerVersionResponseDto(**server_service.version())
