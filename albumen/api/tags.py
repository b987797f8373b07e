"""The ``Tags`` tag: each user's tag tree, and tagging assets one tag or many at a time."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, status

from albumen.api.deps import DbSession, authenticated
from albumen.dto.asset_ids import BulkIdResponseDto, BulkIdsDto
from albumen.dto.tags import (
    TagBulkAssetsDto,
    TagBulkAssetsResponseDto,
    TagCreateDto,
    TagResponseDto,
    TagUpdateDto,
    TagUpsertDto,
)
from albumen.permissions import Permission
from albumen.services import tags
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/tags", tags=["Tags"])


@router.get("")
async def get_all_tags(
    db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.TAG_READ)]
) -> list[TagResponseDto]:
    return await tags.get_all(db, auth)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_tag(
    dto: TagCreateDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.TAG_CREATE)]
) -> TagResponseDto:
    return await tags.create(db, auth, dto)


@router.put("")
async def upsert_tags(
    dto: TagUpsertDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.TAG_CREATE)]
) -> list[TagResponseDto]:
    return await tags.upsert(db, auth, dto)


@router.put("/assets")
async def bulk_tag_assets(
    dto: TagBulkAssetsDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.TAG_ASSET)]
) -> TagBulkAssetsResponseDto:
    return await tags.bulk_tag_assets(db, auth, dto)


@router.get("/{id}")
async def get_tag_by_id(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.TAG_READ)]
) -> TagResponseDto:
    return await tags.get(db, auth, id)


@router.put("/{id}")
async def update_tag(
    id: uuid.UUID,
    dto: TagUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.TAG_UPDATE)],
) -> TagResponseDto:
    return await tags.update(db, auth, id, dto)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_tag(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.TAG_DELETE)]
) -> None:
    await tags.delete(db, auth, id)


@router.put("/{id}/assets")
async def tag_assets(
    id: uuid.UUID,
    dto: BulkIdsDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.TAG_ASSET)],
) -> list[BulkIdResponseDto]:
    return await tags.tag_assets(db, auth, id, dto)


@router.delete("/{id}/assets")
async def untag_assets(
    id: uuid.UUID,
    dto: BulkIdsDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.TAG_ASSET)],
) -> list[BulkIdResponseDto]:
    return await tags.untag_assets(db, auth, id, dto)
