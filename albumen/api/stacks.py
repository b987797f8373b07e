"""The ``Stacks`` tag: group assets under a primary one, change or dissolve the group."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, status

from albumen.api.deps import DbSession, authenticated
from albumen.dto.asset_ids import BulkIdsDto
from albumen.dto.stacks import StackCreateDto, StackResponseDto, StackUpdateDto
from albumen.permissions import Permission
from albumen.services import stacks
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/stacks", tags=["Stacks"])


@router.get("")
async def search_stacks(
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.STACK_READ)],
    primaryAssetId: uuid.UUID | None = None,
) -> list[StackResponseDto]:
    return await stacks.search(db, auth, primaryAssetId)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_stack(
    dto: StackCreateDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.STACK_CREATE)]
) -> StackResponseDto:
    return await stacks.create(db, auth, dto)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
async def delete_stacks(
    dto: BulkIdsDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.STACK_DELETE)]
) -> None:
    await stacks.delete_many(db, auth, dto)


@router.get("/{id}")
async def get_stack(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.STACK_READ)]
) -> StackResponseDto:
    return await stacks.get(db, auth, id)


@router.put("/{id}")
async def update_stack(
    id: uuid.UUID,
    dto: StackUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.STACK_UPDATE)],
) -> StackResponseDto:
    return await stacks.update(db, auth, id, dto)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_stack(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.STACK_DELETE)]
) -> None:
    await stacks.delete(db, auth, id)


@router.delete("/{id}/assets/{assetId}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_asset_from_stack(
    id: uuid.UUID,
    assetId: uuid.UUID,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.STACK_UPDATE)],
) -> None:
    await stacks.remove_asset(db, auth, id, assetId)
