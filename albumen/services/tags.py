"""Tags: each user's tree of values (``Travel/Japan``), and which assets carry them.

Tagging also copies an asset's tag values into ``asset_exif.tags`` and locks that field, as Immich
does, so metadata re-extraction keeps the user's choice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.tags import TagRepository
from albumen.db.tables import Tag
from albumen.dto.asset_ids import BulkIdErrorReason, BulkIdResponseDto, BulkIdsDto
from albumen.dto.tags import (
    TagBulkAssetsDto,
    TagBulkAssetsResponseDto,
    TagCreateDto,
    TagResponseDto,
    TagUpdateDto,
    TagUpsertDto,
    to_tag_dto,
)
from albumen.permissions import Permission
from albumen.services.access import allowed_assets
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError

DUPLICATE_NAME = "A tag with that name already exists"


async def get_all(db: AsyncSession, auth: AuthContext) -> list[TagResponseDto]:
    return [to_tag_dto(tag) for tag in await TagRepository(db).all_of(auth.user_id)]


async def get(db: AsyncSession, auth: AuthContext, tag_id: uuid.UUID) -> TagResponseDto:
    return to_tag_dto(await _require_tag(db, auth, Permission.TAG_READ, tag_id))


async def create(db: AsyncSession, auth: AuthContext, dto: TagCreateDto) -> TagResponseDto:
    tags = TagRepository(db)
    parent = None
    if dto.parentId is not None:
        await _require_tags(db, auth, Permission.TAG_READ, [dto.parentId])
        parent = await tags.get(dto.parentId)
        if parent is None:
            raise BadRequestError("Tag not found")
    value = f"{parent.value}/{dto.name}" if parent is not None else dto.name
    if await tags.get_by_value(auth.user_id, value) is not None:
        raise BadRequestError(DUPLICATE_NAME)
    tag = await tags.create(auth.user_id, value, parent.id if parent is not None else None, dto.color)
    await db.commit()
    return to_tag_dto(tag)


async def update(db: AsyncSession, auth: AuthContext, tag_id: uuid.UUID, dto: TagUpdateDto) -> TagResponseDto:
    """Change a tag's colour, or rename it (its descendants' paths follow)."""
    tag = await _require_tag(db, auth, Permission.TAG_UPDATE, tag_id)
    tags = TagRepository(db)
    value = None
    if dto.name is not None:
        prefix = tag.value.rsplit("/", 1)[0] + "/" if tag.parent_id is not None and "/" in tag.value else ""
        value = prefix + dto.name
        if value != tag.value and await tags.get_by_value(auth.user_id, value) is not None:
            raise BadRequestError(DUPLICATE_NAME)
    color: str | bool | None = dto.color if "color" in dto.model_fields_set else False
    await tags.update(tag, value=value, color=color)
    await db.commit()
    return await get(db, auth, tag_id)


async def upsert(db: AsyncSession, auth: AuthContext, dto: TagUpsertDto) -> list[TagResponseDto]:
    """``PUT /tags``: the tags with these full values, created with their parents where missing."""
    created = await upsert_values(db, auth.user_id, dto.tags)
    await db.commit()
    return [to_tag_dto(tag) for tag in created]


async def upsert_values(db: AsyncSession, user_id: uuid.UUID, values: Sequence[str]) -> list[Tag]:
    """Find or create tags by full value (also for metadata extraction: keywords and hierarchical
    subjects). Empty path parts are dropped (``a//b`` is ``a/b``); the caller commits."""
    cleaned = ["/".join(part.strip() for part in value.split("/") if part.strip()) for value in values]
    return await TagRepository(db).upsert_values(user_id, [value for value in cleaned if value])


async def delete(db: AsyncSession, auth: AuthContext, tag_id: uuid.UUID) -> None:
    """Delete a tag and the tags under it; the assets keep everything else."""
    await _require_tag(db, auth, Permission.TAG_DELETE, tag_id)
    tags = TagRepository(db)
    affected = await tags.delete(tag_id)
    await tags.write_exif_tags(affected)
    await db.commit()


async def bulk_tag_assets(
    db: AsyncSession, auth: AuthContext, dto: TagBulkAssetsDto
) -> TagBulkAssetsResponseDto:
    """``PUT /tags/assets``: every given tag on every given asset; ids the caller may not use are skipped."""
    tags = TagRepository(db)
    tag_ids = [tag_id for tag_id in dict.fromkeys(dto.tagIds)]
    owned_tags = await tags.owned(auth.user_id, tag_ids)
    asset_ids = await allowed_assets(db, auth, Permission.ASSET_UPDATE, dto.assetIds)
    pairs = [(tag_id, asset_id) for tag_id in tag_ids if tag_id in owned_tags for asset_id in asset_ids]
    added = await tags.add_assets(pairs)
    await tags.write_exif_tags(list(set(added)))
    await db.commit()
    return TagBulkAssetsResponseDto(count=len(added))


async def tag_assets(
    db: AsyncSession, auth: AuthContext, tag_id: uuid.UUID, dto: BulkIdsDto
) -> list[BulkIdResponseDto]:
    """``PUT /tags/{id}/assets``: one result per asset, as Immich's album-style bulk add."""
    await _require_tag(db, auth, Permission.TAG_ASSET, tag_id)
    tags = TagRepository(db)
    asset_ids = list(dict.fromkeys(dto.ids))
    present = await tags.tagged(tag_id, asset_ids)
    allowed = await allowed_assets(
        db, auth, Permission.ASSET_SHARE, [i for i in asset_ids if i not in present]
    )
    results = []
    for asset_id in asset_ids:
        if asset_id in present:
            results.append(_failure(asset_id, BulkIdErrorReason.DUPLICATE))
        elif asset_id not in allowed:
            results.append(_failure(asset_id, BulkIdErrorReason.NO_PERMISSION))
        else:
            results.append(BulkIdResponseDto(id=str(asset_id), success=True))
    added = [asset_id for asset_id in asset_ids if asset_id in allowed]
    await tags.add_assets([(tag_id, asset_id) for asset_id in added])
    await tags.write_exif_tags(added)
    await db.commit()
    return results


async def untag_assets(
    db: AsyncSession, auth: AuthContext, tag_id: uuid.UUID, dto: BulkIdsDto
) -> list[BulkIdResponseDto]:
    """``DELETE /tags/{id}/assets``: the tag's owner may take it off any asset that has it."""
    await _require_tag(db, auth, Permission.TAG_ASSET, tag_id)
    tags = TagRepository(db)
    asset_ids = list(dict.fromkeys(dto.ids))
    present = await tags.tagged(tag_id, asset_ids)
    results = [
        BulkIdResponseDto(id=str(asset_id), success=True)
        if asset_id in present
        else _failure(asset_id, BulkIdErrorReason.NOT_FOUND)
        for asset_id in asset_ids
    ]
    removed = [asset_id for asset_id in asset_ids if asset_id in present]
    await tags.remove_assets(tag_id, removed)
    await tags.write_exif_tags(removed)
    await db.commit()
    return results


def _failure(asset_id: uuid.UUID, reason: BulkIdErrorReason) -> BulkIdResponseDto:
    return BulkIdResponseDto(id=str(asset_id), success=False, error=reason)


async def _require_tags(
    db: AsyncSession, auth: AuthContext, permission: Permission, tag_ids: Sequence[uuid.UUID]
) -> None:
    """Tags are their owner's alone (Immich's tag access rule)."""
    if set(tag_ids) - await TagRepository(db).owned(auth.user_id, tag_ids):
        raise BadRequestError(f"Not found or no {permission.value} access")


async def _require_tag(db: AsyncSession, auth: AuthContext, permission: Permission, tag_id: uuid.UUID) -> Tag:
    await _require_tags(db, auth, permission, [tag_id])
    tag = await TagRepository(db).get(tag_id)
    if tag is None:
        raise BadRequestError(f"Not found or no {permission.value} access")
    return tag
