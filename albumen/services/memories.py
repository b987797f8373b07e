"""Memories: "on this day" collections, generated nightly, which users can also create and curate."""

from __future__ import annotations

import calendar
import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.engine import Database
from albumen.db.repositories.memories import MemoryFilter, MemoryRepository
from albumen.db.repositories.system_metadata import SystemMetadataRepository
from albumen.db.repositories.users import UserRepository
from albumen.db.tables import Memory
from albumen.dto.asset_ids import BulkIdErrorReason, BulkIdResponseDto, BulkIdsDto
from albumen.dto.assets import to_asset_dto
from albumen.dto.memories import (
    MemoryCreateDto,
    MemoryResponseDto,
    MemorySearchDto,
    MemoryStatisticsResponseDto,
    MemoryType,
    MemoryUpdateDto,
    OnThisDayDto,
)
from albumen.jobs import JobContext, JobName, JobRegistry, RetryPolicy
from albumen.permissions import Permission
from albumen.services.access import allowed_assets
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError
from albumen.services.pipeline.context import Pipeline

logger = logging.getLogger(__name__)

#: Immich's ``SystemMetadataKey.MemoriesState``: the last day "on this day" memories were made for.
MEMORIES_STATE_KEY = "memories-state"
#: Memories are prepared this many days either side of today, so every time zone has today's.
GENERATION_DAYS = 3
#: Unsaved memories go this long after they were shown.
RETENTION = timedelta(days=30)
#: Serialises generation across workers (an arbitrary, fixed advisory lock key).
GENERATION_LOCK = 0x6D656D6F


async def search(db: AsyncSession, auth: AuthContext, dto: MemorySearchDto) -> list[MemoryResponseDto]:
    where = _filter(auth, dto)
    offset = (dto.page - 1) * dto.size if dto.page and dto.size else 0
    order = dto.order.value if dto.order else "desc"
    found = await MemoryRepository(db).search(where, order=order, limit=dto.size, offset=offset)
    return await _to_dtos(db, found)


async def statistics(
    db: AsyncSession, auth: AuthContext, dto: MemorySearchDto
) -> MemoryStatisticsResponseDto:
    return MemoryStatisticsResponseDto(total=await MemoryRepository(db).count(_filter(auth, dto)))


async def get(db: AsyncSession, auth: AuthContext, memory_id: uuid.UUID) -> MemoryResponseDto:
    await _require_owned(db, auth, Permission.MEMORY_READ, memory_id)
    return await _dto_of(db, memory_id)


async def create(db: AsyncSession, auth: AuthContext, dto: MemoryCreateDto) -> MemoryResponseDto:
    """Assets the caller may not share are silently left out, as Immich does."""
    requested = list(dict.fromkeys(dto.assetIds))
    shareable = await allowed_assets(db, auth, Permission.ASSET_SHARE, requested)
    repository = MemoryRepository(db)
    values: dict[str, Any] = {
        "owner_id": auth.user_id,
        "type": dto.type.value,
        "data": dto.data.model_dump(),
        "memory_at": dto.memoryAt,
        "seen_at": dto.seenAt,
        "show_at": dto.showAt,
        "hide_at": dto.hideAt,
    }
    if dto.isSaved is not None:
        values["is_saved"] = dto.isSaved
    memory = await repository.create(**values)
    await repository.add_assets(memory.id, [asset_id for asset_id in requested if asset_id in shareable])
    await db.commit()
    return await _dto_of(db, memory.id)


async def update(
    db: AsyncSession, auth: AuthContext, memory_id: uuid.UUID, dto: MemoryUpdateDto
) -> MemoryResponseDto:
    await _require_owned(db, auth, Permission.MEMORY_UPDATE, memory_id)
    changes = {
        column: getattr(dto, field)
        for field, column in (("isSaved", "is_saved"), ("memoryAt", "memory_at"), ("seenAt", "seen_at"))
        if getattr(dto, field) is not None
    }
    if changes:
        await MemoryRepository(db).update(memory_id, **changes)
        await db.commit()
    return await _dto_of(db, memory_id)


async def delete(db: AsyncSession, auth: AuthContext, memory_id: uuid.UUID) -> None:
    await _require_owned(db, auth, Permission.MEMORY_DELETE, memory_id)
    await MemoryRepository(db).delete(memory_id)
    await db.commit()


async def add_assets(
    db: AsyncSession, auth: AuthContext, memory_id: uuid.UUID, dto: BulkIdsDto
) -> list[BulkIdResponseDto]:
    """Per id: ``duplicate`` when already in the memory, ``no_permission`` unless the caller may share it."""
    await _require_owned(db, auth, Permission.MEMORY_READ, memory_id)
    repository = MemoryRepository(db)
    requested = list(dict.fromkeys(dto.ids))
    present = await repository.asset_ids_in(memory_id, requested)
    shareable = await allowed_assets(
        db, auth, Permission.ASSET_SHARE, [i for i in requested if i not in present]
    )
    results = [_result(asset_id, present, shareable, BulkIdErrorReason.DUPLICATE) for asset_id in requested]
    added = [asset_id for asset_id in requested if asset_id not in present and asset_id in shareable]
    if added:
        await repository.add_assets(memory_id, added)
        await repository.update(memory_id, updated_at=datetime.now(UTC))
        await db.commit()
    return results


async def remove_assets(
    db: AsyncSession, auth: AuthContext, memory_id: uuid.UUID, dto: BulkIdsDto
) -> list[BulkIdResponseDto]:
    """The memory's owner may always take assets out; ids not in the memory are ``not_found``."""
    await _require_owned(db, auth, Permission.MEMORY_UPDATE, memory_id)
    repository = MemoryRepository(db)
    requested = list(dict.fromkeys(dto.ids))
    present = await repository.asset_ids_in(memory_id, requested)
    results = [
        BulkIdResponseDto(id=str(asset_id), success=True)
        if asset_id in present
        else BulkIdResponseDto(id=str(asset_id), success=False, error=BulkIdErrorReason.NOT_FOUND)
        for asset_id in requested
    ]
    if present:
        await repository.remove_assets(memory_id, list(present))
        await repository.update(memory_id, updated_at=datetime.now(UTC))
        await db.commit()
    return results


async def generate(database: Database, today: datetime | None = None) -> int:
    """``MemoryGenerate``: "on this day" memories for the days around ``today`` not made yet.

    For each day and user: one memory per earlier year with photos taken on that month and day,
    shown only on that day. Returns how many memories were created.
    """
    start = _midnight(today or datetime.now(UTC)) - timedelta(days=GENERATION_DAYS)
    created = 0
    async with database.session() as db, db.begin():
        await db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": GENERATION_LOCK})
        metadata = SystemMetadataRepository(db)
        state = await metadata.get(MEMORIES_STATE_KEY) or {}
        last_done = _parse(state.get("lastOnThisDayDate")) or start
        owner_ids = [user.id for user in await UserRepository(db).list()]
        repository = MemoryRepository(db)
        earliest = await repository.earliest_local_date(owner_ids)
        for offset in range(GENERATION_DAYS * 2 + 1):
            target = start + timedelta(days=offset)
            if last_done >= target or earliest is None:
                continue
            created += await _create_on_this_day(repository, owner_ids, target, earliest.year)
            await metadata.set(MEMORIES_STATE_KEY, {**state, "lastOnThisDayDate": _iso(target)})
    if created:
        logger.info("created %d memories", created)
    return created


async def cleanup(database: Database) -> None:
    """``MemoryCleanup``."""
    async with database.session() as db, db.begin():
        await MemoryRepository(db).cleanup(datetime.now(UTC) - RETENTION)


def memory_jobs(pipeline: Pipeline) -> JobRegistry:
    """The ``FEATURE_REGISTRIES`` factory of :mod:`albumen.services.pipeline.registry`."""
    del pipeline
    registry = JobRegistry()

    async def memory_generate(ctx: JobContext) -> None:
        await generate(ctx.database)

    async def memory_cleanup(ctx: JobContext) -> None:
        await cleanup(ctx.database)

    once = RetryPolicy(max_attempts=1)
    registry.register(JobName.MEMORY_GENERATE, memory_generate, retry=once)
    registry.register(JobName.MEMORY_CLEANUP, memory_cleanup, retry=once)
    return registry


async def _create_on_this_day(
    repository: MemoryRepository, owner_ids: Sequence[uuid.UUID], target: datetime, first_year: int
) -> int:
    days = [
        target.replace(year=year)
        for year in range(first_year, target.year)
        if target.month != 2 or target.day != 29 or calendar.isleap(year)
    ]
    found = await repository.assets_on_days(owner_ids, days)
    show_at = target
    hide_at = target + timedelta(days=1) - timedelta(milliseconds=1)
    rows = [
        (
            {
                "owner_id": item.owner_id,
                "type": MemoryType.ON_THIS_DAY.value,
                "data": {"year": item.day.year},
                "memory_at": item.day,
                "show_at": show_at,
                "hide_at": hide_at,
            },
            item.asset_ids,
        )
        for item in found
    ]
    await repository.create_generated(rows)
    return len(rows)


def _filter(auth: AuthContext, dto: MemorySearchDto) -> MemoryFilter:
    for_date = _aware(dto.for_) if dto.for_ is not None else None
    return MemoryFilter(
        owner_id=auth.user_id,
        visible_at=for_date or datetime.now(UTC),
        for_date=for_date,
        memory_id=dto.id,
        is_saved=dto.isSaved,
        is_trashed=bool(dto.isTrashed),
        is_upcoming=dto.isUpcoming,
        type=dto.type.value if dto.type else None,
    )


async def _require_owned(
    db: AsyncSession, auth: AuthContext, permission: Permission, memory_id: uuid.UUID
) -> None:
    if not await MemoryRepository(db).owned_ids(auth.user_id, [memory_id]):
        raise BadRequestError(f"Not found or no {permission.value} access")


async def _dto_of(db: AsyncSession, memory_id: uuid.UUID) -> MemoryResponseDto:
    memory = await MemoryRepository(db).get(memory_id)
    if memory is None:
        raise BadRequestError("Memory not found")
    return (await _to_dtos(db, [memory]))[0]


async def _to_dtos(db: AsyncSession, memories: Sequence[Memory]) -> list[MemoryResponseDto]:
    assets = await MemoryRepository(db).assets_of([memory.id for memory in memories])
    return [
        MemoryResponseDto(
            id=str(memory.id),
            createdAt=memory.created_at,
            updatedAt=memory.updated_at,
            deletedAt=memory.deleted_at,
            memoryAt=memory.memory_at,
            seenAt=memory.seen_at,
            showAt=memory.show_at,
            hideAt=memory.hide_at,
            ownerId=str(memory.owner_id),
            type=MemoryType(memory.type),
            data=OnThisDayDto.model_validate(memory.data),
            isSaved=memory.is_saved,
            assets=[to_asset_dto(asset, exif=exif) for asset, exif in assets.get(memory.id, [])],
        )
        for memory in memories
    ]


def _result(
    asset_id: uuid.UUID, present: set[uuid.UUID], allowed: set[uuid.UUID], present_reason: BulkIdErrorReason
) -> BulkIdResponseDto:
    if asset_id in present:
        return BulkIdResponseDto(id=str(asset_id), success=False, error=present_reason)
    if asset_id not in allowed:
        return BulkIdResponseDto(id=str(asset_id), success=False, error=BulkIdErrorReason.NO_PERMISSION)
    return BulkIdResponseDto(id=str(asset_id), success=True)


def _midnight(moment: datetime) -> datetime:
    return _aware(moment).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return _aware(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
