"""The ``Memories`` tag: "on this day" memories, their assets and statistics."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from albumen.api.deps import DbSession, authenticated
from albumen.dto.asset_ids import BulkIdResponseDto, BulkIdsDto
from albumen.dto.memories import (
    MemoryCreateDto,
    MemoryResponseDto,
    MemorySearchDto,
    MemoryStatisticsResponseDto,
    MemoryUpdateDto,
)
from albumen.permissions import Permission
from albumen.services import memories
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/memories", tags=["Memories"])


@router.get("")
async def search_memories(
    dto: Annotated[MemorySearchDto, Query()],
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.MEMORY_READ)],
) -> list[MemoryResponseDto]:
    return await memories.search(db, auth, dto)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_memory(
    dto: MemoryCreateDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.MEMORY_CREATE)]
) -> MemoryResponseDto:
    return await memories.create(db, auth, dto)


@router.get("/statistics")
async def memories_statistics(
    dto: Annotated[MemorySearchDto, Query()],
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.MEMORY_STATISTICS)],
) -> MemoryStatisticsResponseDto:
    return await memories.statistics(db, auth, dto)


@router.get("/{id}")
async def get_memory(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.MEMORY_READ)]
) -> MemoryResponseDto:
    return await memories.get(db, auth, id)


@router.put("/{id}")
async def update_memory(
    id: uuid.UUID,
    dto: MemoryUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.MEMORY_UPDATE)],
) -> MemoryResponseDto:
    return await memories.update(db, auth, id, dto)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_memory(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.MEMORY_DELETE)]
) -> None:
    await memories.delete(db, auth, id)


@router.put("/{id}/assets")
async def add_memory_assets(
    id: uuid.UUID,
    dto: BulkIdsDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.MEMORY_ASSET_CREATE)],
) -> list[BulkIdResponseDto]:
    return await memories.add_assets(db, auth, id, dto)


@router.delete("/{id}/assets")
async def remove_memory_assets(
    id: uuid.UUID,
    dto: BulkIdsDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.MEMORY_ASSET_DELETE)],
) -> list[BulkIdResponseDto]:
    return await memories.remove_assets(db, auth, id, dto)
