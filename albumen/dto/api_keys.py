"""``API keys`` DTOs."""

from __future__ import annotations

from pydantic import Field

from albumen.db.tables import ApiKey
from albumen.dto.base import Dto, RequestDto, Timestamp
from albumen.permissions import Permission


class ApiKeyResponseDto(Dto):
    id: str
    name: str
    createdAt: Timestamp
    updatedAt: Timestamp
    permissions: list[str]


class ApiKeyCreateResponseDto(ApiKeyResponseDto):
    """3.2 flattened the key's fields next to ``secret``; ``apiKey`` stays for older clients."""

    secret: str
    apiKey: ApiKeyResponseDto


class ApiKeyCreateDto(RequestDto):
    name: str | None = None
    permissions: list[Permission] = Field(min_length=1)


class ApiKeyUpdateDto(RequestDto):
    name: str | None = None
    permissions: list[Permission] | None = Field(None, min_length=1)


def to_api_key_dto(api_key: ApiKey) -> ApiKeyResponseDto:
    return ApiKeyResponseDto(
        id=str(api_key.id),
        name=api_key.name,
        createdAt=api_key.created_at,
        updatedAt=api_key.updated_at,
        permissions=list(api_key.permissions),
    )


def to_api_key_create_dto(api_key: ApiKey, secret: str) -> ApiKeyCreateResponseDto:
    dto = to_api_key_dto(api_key)
    return ApiKeyCreateResponseDto(**dict(dto), secret=secret, apiKey=dto)
