from __future__ import annotations

from albumen.dto.base import Dto


class ServerPingResponse(Dto):
    res: str


class ServerVersionResponseDto(Dto):
    major: int
    minor: int
    patch: int
    prerelease: str | None = None
