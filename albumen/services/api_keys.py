"""API keys: long-lived secrets with a chosen set of permissions, for the CLI and scripts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.api_keys import ApiKeyRepository
from albumen.db.tables import ApiKey
from albumen.dto.api_keys import (
    ApiKeyCreateDto,
    ApiKeyCreateResponseDto,
    ApiKeyResponseDto,
    ApiKeyUpdateDto,
    to_api_key_create_dto,
    to_api_key_dto,
)
from albumen.permissions import Permission
from albumen.services.authentication import AuthContext
from albumen.services.crypto import hash_token, new_token
from albumen.services.errors import BadRequestError, ForbiddenError

DEFAULT_NAME = "API Key"
NOT_FOUND = "API Key not found"


def grants(current: Iterable[str], requested: Iterable[str]) -> bool:
    """Immich's ``isGranted``: ``all`` covers everything, otherwise every requested one must be held."""
    held = set(current)
    return Permission.ALL.value in held or held.issuperset(requested)


async def create_api_key(
    db: AsyncSession, auth: AuthContext, dto: ApiKeyCreateDto
) -> ApiKeyCreateResponseDto:
    permissions = [permission.value for permission in dto.permissions]
    _require_grantable(auth, permissions, "Cannot grant permissions you do not have")
    secret = new_token()
    api_key = await ApiKeyRepository(db).create(
        key=hash_token(secret), name=dto.name or DEFAULT_NAME, user_id=auth.user_id, permissions=permissions
    )
    await db.commit()
    return to_api_key_create_dto(api_key, secret)


async def list_api_keys(db: AsyncSession, auth: AuthContext) -> list[ApiKeyResponseDto]:
    return [to_api_key_dto(api_key) for api_key in await ApiKeyRepository(db).list_for_user(auth.user_id)]


async def get_api_key(db: AsyncSession, auth: AuthContext, key_id: uuid.UUID) -> ApiKeyResponseDto:
    return to_api_key_dto(await _owned_key(db, auth, key_id))


async def get_my_api_key(db: AsyncSession, auth: AuthContext) -> ApiKeyResponseDto:
    """The key this request authenticated with (the CLI reads its permissions from here)."""
    if auth.api_key is None:
        raise ForbiddenError("Not authenticated with an API Key")
    return to_api_key_dto(await _owned_key(db, auth, auth.api_key.id))


async def update_api_key(
    db: AsyncSession, auth: AuthContext, key_id: uuid.UUID, dto: ApiKeyUpdateDto
) -> ApiKeyResponseDto:
    api_key = await _owned_key(db, auth, key_id)
    changes: dict[str, object] = {}
    if dto.name is not None:
        changes["name"] = dto.name
    if dto.permissions is not None:
        permissions = [permission.value for permission in dto.permissions]
        _require_grantable(auth, permissions, "Cannot grant permissions you do not have")
        changes["permissions"] = permissions
    if changes:
        api_key = await ApiKeyRepository(db).update(key_id, **changes)
        await db.commit()
    return to_api_key_dto(api_key)


async def rotate_api_key(db: AsyncSession, auth: AuthContext, key_id: uuid.UUID) -> ApiKeyCreateResponseDto:
    """A new secret for the same key (same id, name and permissions); the old secret stops working."""
    api_key = await _owned_key(db, auth, key_id)
    _require_grantable(auth, api_key.permissions, "Cannot rotate an API Key with permissions you do not have")
    secret = new_token()
    api_key = await ApiKeyRepository(db).update(key_id, key=hash_token(secret))
    await db.commit()
    return to_api_key_create_dto(api_key, secret)


async def delete_api_key(db: AsyncSession, auth: AuthContext, key_id: uuid.UUID) -> None:
    await _owned_key(db, auth, key_id)
    await ApiKeyRepository(db).delete(key_id)
    await db.commit()


def _require_grantable(auth: AuthContext, permissions: Iterable[str], message: str) -> None:
    """A caller using an API key cannot hand out (or renew) more than that key itself holds."""
    if auth.api_key is not None and not grants(auth.api_key.permissions, permissions):
        raise BadRequestError(message)


async def _owned_key(db: AsyncSession, auth: AuthContext, key_id: uuid.UUID) -> ApiKey:
    # Immich answers 400 for another user's key exactly as for a missing one.
    api_key = await ApiKeyRepository(db).get_for_user(auth.user_id, key_id)
    if api_key is None:
        raise BadRequestError(NOT_FOUND)
    return api_key
