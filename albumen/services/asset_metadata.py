"""Key/value metadata on assets and their stored (not yet rendered) edits."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_metadata import AssetMetadataRepository
from albumen.db.repositories.assets import AssetRepository
from albumen.dto.asset_edits import AssetEditAction, AssetEditsCreateDto, AssetEditsResponseDto, to_edits_dto
from albumen.dto.asset_metadata import (
    AssetMetadataBulkDeleteDto,
    AssetMetadataBulkResponseDto,
    AssetMetadataBulkUpsertDto,
    AssetMetadataResponseDto,
    AssetMetadataUpsertDto,
    to_bulk_metadata_dto,
    to_metadata_dto,
)
from albumen.media.formats import AssetType, extension_of
from albumen.permissions import Permission
from albumen.services.access import require_assets
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError


async def get_metadata(
    db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID
) -> list[AssetMetadataResponseDto]:
    await require_assets(db, auth, Permission.ASSET_READ, [asset_id])
    return [to_metadata_dto(row) for row in await AssetMetadataRepository(db).of_asset(asset_id)]


async def get_metadata_by_key(
    db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID, key: str
) -> AssetMetadataResponseDto:
    await require_assets(db, auth, Permission.ASSET_READ, [asset_id])
    row = await AssetMetadataRepository(db).get(asset_id, key)
    if row is None:
        raise BadRequestError(f'Metadata with key "{key}" not found for asset with id "{asset_id}"')
    return to_metadata_dto(row)


async def upsert_metadata(
    db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID, dto: AssetMetadataUpsertDto
) -> list[AssetMetadataResponseDto]:
    await require_assets(db, auth, Permission.ASSET_UPDATE, [asset_id])
    _refuse_duplicates(f"({asset_id}, {item.key})" for item in dto.items)
    rows = await AssetMetadataRepository(db).upsert([(asset_id, item.key, item.value) for item in dto.items])
    await db.commit()
    return [to_metadata_dto(row) for row in rows]


async def upsert_bulk_metadata(
    db: AsyncSession, auth: AuthContext, dto: AssetMetadataBulkUpsertDto
) -> list[AssetMetadataBulkResponseDto]:
    await require_assets(db, auth, Permission.ASSET_UPDATE, {item.assetId for item in dto.items})
    _refuse_duplicates(f"({item.assetId}, {item.key})" for item in dto.items)
    rows = await AssetMetadataRepository(db).upsert(
        [(item.assetId, item.key, item.value) for item in dto.items]
    )
    await db.commit()
    return [to_bulk_metadata_dto(row) for row in rows]


async def delete_metadata(db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID, key: str) -> None:
    await require_assets(db, auth, Permission.ASSET_UPDATE, [asset_id])
    await AssetMetadataRepository(db).delete([(asset_id, key)])
    await db.commit()


async def delete_bulk_metadata(db: AsyncSession, auth: AuthContext, dto: AssetMetadataBulkDeleteDto) -> None:
    await require_assets(db, auth, Permission.ASSET_UPDATE, {item.assetId for item in dto.items})
    await AssetMetadataRepository(db).delete([(item.assetId, item.key) for item in dto.items])
    await db.commit()


def _refuse_duplicates(keys: Iterable[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise BadRequestError(f'Duplicate items are not allowed: "{key}"')
        seen.add(key)


async def get_edits(db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID) -> AssetEditsResponseDto:
    await require_assets(db, auth, Permission.ASSET_EDIT_GET, [asset_id])
    return to_edits_dto(str(asset_id), list(await AssetMetadataRepository(db).edits_of(asset_id)))


async def replace_edits(
    db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID, dto: AssetEditsCreateDto
) -> AssetEditsResponseDto:
    """Store the edit list with Immich's checks; rendering edited thumbnails is not done yet, so
    clients keep seeing (and downloading) the photo as it was."""
    await require_assets(db, auth, Permission.ASSET_EDIT_CREATE, [asset_id])
    asset = await AssetRepository(db).get(asset_id)
    if asset is None:
        raise BadRequestError("Asset not found")
    if asset.type != AssetType.IMAGE:
        raise BadRequestError("Only images can be edited")
    if asset.live_photo_video_id is not None:
        raise BadRequestError("Editing live photos is not supported")
    if extension_of(asset.original_file_name) in (".gif", ".svg"):
        kind = extension_of(asset.original_file_name)[1:].upper()
        raise BadRequestError(f"Editing {kind} images is not supported")
    crops = [index for index, edit in enumerate(dto.edits) if edit.action is AssetEditAction.CROP]
    if crops:
        if crops[0] != 0:
            raise BadRequestError("Crop action must be the first edit action")
        if not asset.width or not asset.height:
            raise BadRequestError("Asset dimensions are not available for editing")
        crop = dto.edits[0].parameters
        if crop["x"] + crop["width"] > asset.width or crop["y"] + crop["height"] > asset.height:
            raise BadRequestError("Crop parameters are out of bounds")
    edits = await AssetMetadataRepository(db).replace_edits(
        asset_id, [(edit.action.value, edit.parameters) for edit in dto.edits]
    )
    await db.commit()
    return to_edits_dto(str(asset_id), list(edits))


async def remove_edits(db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID) -> None:
    await require_assets(db, auth, Permission.ASSET_EDIT_DELETE, [asset_id])
    await AssetMetadataRepository(db).replace_edits(asset_id, [])
    await db.commit()
