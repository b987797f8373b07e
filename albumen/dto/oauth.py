"""OAuth DTOs of the ``Authentication`` tag: starting and finishing an OAuth login."""

from __future__ import annotations

from pydantic import Field

from albumen.dto.base import Dto, RequestDto


class OAuthConfigDto(RequestDto):
    redirectUri: str
    state: str | None = None
    codeChallenge: str | None = None


class OAuthAuthorizeResponseDto(Dto):
    url: str


class OAuthCallbackDto(RequestDto):
    url: str = Field(min_length=1)
    state: str | None = None
    codeVerifier: str | None = None
