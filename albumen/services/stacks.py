"""Stacks: several assets (bursts, RAW + JPEG) shown as one, headed by a primary asset."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.assets import AssetRepository
from albumen.db.repositories.stacks import StackRepository
from albumen.db.repositories.tags import TagRepository
from albumen.db.tables import Stack
from albumen.dto.asset_ids import BulkIdsDto
from albumen.dto.assets import to_asset_dto
from albumen.dto.stacks import StackCreateDto, StackResponseDto, StackUpdateDto
from albumen.dto.tags import to_tag_dto
from albumen.permissions import Permission
from albumen.services import events
from albumen.services.access import require_assets
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError


async def search(
    db: AsyncSession, auth: AuthContext, primary_asset_id: uuid.UUID | None = None
) -> list[StackResponseDto]:
    stacks = await StackRepository(db).search(auth.user_id, primary_asset_id)
    return await _stack_dtos(db, stacks)


async def get(db: AsyncSession, auth: AuthContext, stack_id: uuid.UUID) -> StackResponseDto:
    stack = await _require_stack(db, auth, Permission.STACK_READ, stack_id)
    return (await _stack_dtos(db, [stack]))[0]


async def create(db: AsyncSession, auth: AuthContext, dto: StackCreateDto) -> StackResponseDto:
    """Stack the assets, the first one primary; stacks headed by any of them are merged into it."""
    asset_ids = list(dict.fromkeys(dto.assetIds))
    await require_assets(db, auth, Permission.ASSET_UPDATE, asset_ids)
    stacks = StackRepository(db)
    merged = await stacks.stacks_headed_by(auth.user_id, asset_ids)
    stack = await stacks.create(auth.user_id, asset_ids[0])
    await stacks.move_members(merged, stack.id)
    await stacks.set_stack(asset_ids, stack.id)
    await stacks.delete(merged)
    await events.emit(db, "on_asset_stack_update", [auth.user_id])
    await db.commit()
    return await get(db, auth, stack.id)


async def update(
    db: AsyncSession, auth: AuthContext, stack_id: uuid.UUID, dto: StackUpdateDto
) -> StackResponseDto:
    stack = await _require_stack(db, auth, Permission.STACK_UPDATE, stack_id)
    stacks = StackRepository(db)
    if dto.primaryAssetId is not None:
        members = (await stacks.member_ids([stack_id]))[stack_id]
        if dto.primaryAssetId not in members:
            raise BadRequestError("Primary asset must be in the stack")
        await stacks.set_primary(stack.id, dto.primaryAssetId)
        await events.emit(db, "on_asset_stack_update", [auth.user_id])
        await db.commit()
    return await get(db, auth, stack_id)


async def delete(db: AsyncSession, auth: AuthContext, stack_id: uuid.UUID) -> None:
    await _require_stack(db, auth, Permission.STACK_DELETE, stack_id)
    await StackRepository(db).delete([stack_id])
    await events.emit(db, "on_asset_stack_update", [auth.user_id])
    await db.commit()


async def delete_many(db: AsyncSession, auth: AuthContext, dto: BulkIdsDto) -> None:
    stack_ids = list(dict.fromkeys(dto.ids))
    await _require_stacks(db, auth, Permission.STACK_DELETE, stack_ids)
    await StackRepository(db).delete(stack_ids)
    await events.emit(db, "on_asset_stack_update", [auth.user_id])
    await db.commit()


async def remove_asset(db: AsyncSession, auth: AuthContext, stack_id: uuid.UUID, asset_id: uuid.UUID) -> None:
    stack = await _require_stack(db, auth, Permission.STACK_UPDATE, stack_id)
    stacks = StackRepository(db)
    if await stacks.stack_of(asset_id) != stack_id:
        raise BadRequestError("Asset not in stack")
    if stack.primary_asset_id == asset_id:
        raise BadRequestError("Cannot remove stack's primary asset")
    await stacks.set_stack([asset_id], None)
    await events.emit(db, "on_asset_stack_update", [auth.user_id])
    await db.commit()


async def _require_stacks(
    db: AsyncSession, auth: AuthContext, permission: Permission, stack_ids: Sequence[uuid.UUID]
) -> None:
    """Stacks are their owner's alone (Immich's stack access rule)."""
    if set(stack_ids) - await StackRepository(db).owned(auth.user_id, stack_ids):
        raise BadRequestError(f"Not found or no {permission.value} access")


async def _require_stack(
    db: AsyncSession, auth: AuthContext, permission: Permission, stack_id: uuid.UUID
) -> Stack:
    await _require_stacks(db, auth, permission, [stack_id])
    stack = await StackRepository(db).get(stack_id)
    if stack is None:
        raise BadRequestError(f"Not found or no {permission.value} access")
    return stack


async def _stack_dtos(db: AsyncSession, stacks: Sequence[Stack]) -> list[StackResponseDto]:
    """Each stack with its visible assets (EXIF and tags included), in three queries for any number."""
    members = await StackRepository(db).member_ids([stack.id for stack in stacks])
    asset_ids = [asset_id for ids in members.values() for asset_id in ids]
    details = await AssetRepository(db).get_many_with_exif(asset_ids)
    tags = await TagRepository(db).tags_of_assets(asset_ids)
    return [
        StackResponseDto(
            id=str(stack.id),
            primaryAssetId=str(stack.primary_asset_id),
            assets=[
                to_asset_dto(
                    details[asset_id][0],
                    exif=details[asset_id][1],
                    tags=[to_tag_dto(tag).model_dump() for tag in tags.get(asset_id, [])],
                )
                for asset_id in members.get(stack.id, [])
                if asset_id in details
            ],
        )
        for stack in stacks
    ]
