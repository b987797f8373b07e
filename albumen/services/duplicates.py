"""Duplicate groups: listing them with a suggestion of which to keep, resolving and dismissing them.

Resolving follows Immich 3.2.2: every asset of a group is either kept or trashed; when exactly one is
kept, it first takes over what the others had (albums, tags, favourite, the best rating, every
description line, visibility, a location they agree on) so that trashing them loses nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.config import Settings
from albumen.db.repositories.albums import AlbumRepository
from albumen.db.repositories.assets import DELETED, TRASHED, AssetRepository
from albumen.db.repositories.duplicates import DuplicateRepository
from albumen.db.repositories.search import AssetRow
from albumen.db.repositories.tags import TagRepository
from albumen.dto.asset_ids import BulkIdErrorReason, BulkIdResponseDto, BulkIdsDto
from albumen.dto.assets import AssetVisibility
from albumen.dto.duplicates import DuplicateResolveDto, DuplicateResolveGroupDto
from albumen.permissions import Permission
from albumen.services import events
from albumen.services.access import allowed_albums, allowed_assets
from albumen.services.asset_items import item_dicts
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError
from albumen.services.system_config import get_config
from albumen.services.trash import purge_assets
from albumen.storage.base import Storage

#: The kept asset's visibility: the most private one in the group (Immich's order).
VISIBILITY_ORDER = (AssetVisibility.LOCKED, AssetVisibility.ARCHIVE, AssetVisibility.TIMELINE)


async def require_groups(db: AsyncSession, auth: AuthContext, duplicate_ids: Sequence[uuid.UUID]) -> None:
    """Only the owner of a group's assets may act on it (Immich's duplicate access rule)."""
    wanted = set(duplicate_ids)
    if wanted - await DuplicateRepository(db).owned_groups(auth.user_id, list(wanted)):
        raise BadRequestError(f"Not found or no {Permission.DUPLICATE_DELETE.value} access")


async def list_duplicates(db: AsyncSession, auth: AuthContext) -> bytes:
    """``DuplicateResponseDto[]`` as JSON: the caller's groups of two or more listed assets."""
    duplicates = DuplicateRepository(db)
    await duplicates.dissolve_singletons(auth.user_id)
    await db.commit()
    rows = await duplicates.grouped_assets(owner_id=auth.user_id)
    items = await item_dicts(db, auth, [asset["id"] for asset, _ in rows], with_exif=True)
    groups: dict[str, list[dict[str, Any]]] = {}
    for asset, _ in rows:
        if asset["id"] in items:
            groups.setdefault(str(asset["duplicate_id"]), []).append(items[asset["id"]])
    return orjson.dumps(
        [
            {"duplicateId": group_id, "assets": assets, "suggestedKeepAssetIds": suggest_keep(assets)}
            for group_id, assets in groups.items()
            if len(assets) > 1
        ]
    )


def suggest_keep(assets: Sequence[Mapping[str, Any]]) -> list[str]:
    """Immich's suggestion: the largest file; among equals, the one with the most EXIF values."""

    def size(asset: Mapping[str, Any]) -> int:
        return int((asset.get("exifInfo") or {}).get("fileSizeInByte") or 0)

    if not assets:
        return []
    largest = max(size(asset) for asset in assets)
    best = [asset for asset in assets if size(asset) == largest]
    best.sort(key=lambda asset: sum(1 for value in (asset.get("exifInfo") or {}).values() if value))
    return [str(best[-1]["id"])]


async def delete_duplicates(db: AsyncSession, auth: AuthContext, duplicate_ids: Sequence[uuid.UUID]) -> None:
    """Dismiss groups: their assets are no longer duplicates of each other."""
    await require_groups(db, auth, duplicate_ids)
    await DuplicateRepository(db).ungroup(auth.user_id, list(duplicate_ids))
    await db.commit()


async def delete_duplicates_bulk(db: AsyncSession, auth: AuthContext, dto: BulkIdsDto) -> None:
    await delete_duplicates(db, auth, list(dict.fromkeys(dto.ids)))


async def resolve(
    db: AsyncSession, settings: Settings, storage: Storage, auth: AuthContext, dto: DuplicateResolveDto
) -> list[BulkIdResponseDto]:
    """Keep and trash per group; one result per group (a failing group does not stop the others)."""
    await require_groups(db, auth, [group.duplicateId for group in dto.groups])
    trash_enabled = (await get_config(db, settings)).trash.enabled
    results: list[BulkIdResponseDto] = []
    purged: list[uuid.UUID] = []
    for group in dto.groups:
        try:
            async with db.begin_nested():
                result, trashed = await _resolve_group(db, auth, group, trash_enabled=trash_enabled)
        except Exception:
            result, trashed = _failure(group.duplicateId, BulkIdErrorReason.UNKNOWN), []
        results.append(result)
        if not trash_enabled:
            purged += trashed
    await db.commit()
    if purged:
        await purge_assets(db, storage, purged)
    return results


async def _resolve_group(
    db: AsyncSession, auth: AuthContext, group: DuplicateResolveGroupDto, *, trash_enabled: bool
) -> tuple[BulkIdResponseDto, list[uuid.UUID]]:
    rows = await DuplicateRepository(db).grouped_assets(duplicate_id=group.duplicateId)
    if not rows:
        return _failure(group.duplicateId, BulkIdErrorReason.NOT_FOUND), []
    members = {asset["id"] for asset, _ in rows}
    # Ids that are not in the group are ignored, as Immich does.
    keep = [asset_id for asset_id in dict.fromkeys(group.keepAssetIds) if asset_id in members]
    trash = [asset_id for asset_id in dict.fromkeys(group.trashAssetIds) if asset_id in members]
    for asset_id in members:
        if asset_id in keep and asset_id in trash:
            message = "An asset cannot be in both keepAssetIds and trashAssetIds"
            return _failure(group.duplicateId, BulkIdErrorReason.VALIDATION, message), []
        if asset_id not in keep and asset_id not in trash:
            message = "Every asset must be in either keepAssetIds or trashAssetIds"
            return _failure(group.duplicateId, BulkIdErrorReason.VALIDATION, message), []
    if trash and len(await allowed_assets(db, auth, Permission.ASSET_DELETE, trash)) != len(trash):
        message = "No permission to delete assets"
        return _failure(group.duplicateId, BulkIdErrorReason.NO_PERMISSION, message), []

    assets = AssetRepository(db)
    if len(keep) == 1 and trash:
        await _merge_into(db, auth, keep, rows)
    elif keep:
        await assets.update_many(keep, duplicate_id=None)
    if trash:
        await assets.update_many(trash, duplicate_id=None)
        await assets.trash(trash, TRASHED if trash_enabled else DELETED)
        if trash_enabled:
            await events.emit(db, "on_asset_trash", [auth.user_id], [str(asset_id) for asset_id in trash])
    return BulkIdResponseDto(id=str(group.duplicateId), success=True), trash


async def _merge_into(
    db: AsyncSession, auth: AuthContext, keep: list[uuid.UUID], rows: list[AssetRow]
) -> None:
    """The kept asset takes the group's albums, tags, favourite, visibility and EXIF highlights."""
    group_ids = [asset["id"] for asset, _ in rows]
    album_ids = await DuplicateRepository(db).albums_of(group_ids)
    if album_ids:
        writable = await allowed_albums(db, auth, Permission.ALBUM_ASSET_CREATE, album_ids)
        shareable = await allowed_assets(db, auth, Permission.ASSET_SHARE, keep)
        if writable and shareable:
            albums = AlbumRepository(db)
            changed = await albums.add_assets(list(writable), list(shareable))
            await albums.refresh_after_change(list(changed))
            await events.emit_album_update(db, changed)
    tags = TagRepository(db)
    tag_ids = {tag.id for found in (await tags.tags_of_assets(group_ids)).values() for tag in found}
    owned_tags = await tags.owned(auth.user_id, list(tag_ids))
    if owned_tags:
        await tags.add_assets([(tag_id, asset_id) for tag_id in owned_tags for asset_id in keep])
        await tags.write_exif_tags(keep)
    assets = AssetRepository(db)
    await assets.update_exif_locked(keep, merged_exif(rows))
    await assets.update_many(keep, duplicate_id=None, **merged_asset(rows))


def merged_asset(rows: Sequence[AssetRow]) -> dict[str, Any]:
    """``asset`` columns of the kept asset: favourite if any was, the most private visibility."""
    present = {asset["visibility"] for asset, _ in rows}
    visibility = next((level.value for level in VISIBILITY_ORDER if level.value in present), None)
    if visibility is None and AssetVisibility.HIDDEN.value in present:
        visibility = AssetVisibility.HIDDEN.value
    changes: dict[str, Any] = {"is_favorite": any(asset["is_favorite"] for asset, _ in rows)}
    if visibility is not None:
        changes["visibility"] = visibility
    return changes


def merged_exif(rows: Sequence[AssetRow]) -> dict[str, Any]:
    """``asset_exif`` columns of the kept asset: the highest rating, each distinct description line
    once, and the location when every located asset agrees on it."""
    exifs = [exif for _, exif in rows if exif is not None]
    changes: dict[str, Any] = {}
    rating = max((exif["rating"] or 0 for exif in exifs), default=0)
    if rating > 0:
        changes["rating"] = rating
    lines: list[str] = []
    for exif in exifs:
        for line in (exif["description"] or "").splitlines():
            if line.strip() and line.strip() not in lines:
                lines.append(line.strip())
    if lines:
        changes["description"] = "\n".join(lines)
    latitudes = {exif["latitude"] for exif in exifs if exif["latitude"] is not None}
    longitudes = {exif["longitude"] for exif in exifs if exif["longitude"] is not None}
    if len(latitudes) == 1 and len(longitudes) == 1:
        changes.update(latitude=latitudes.pop(), longitude=longitudes.pop())
    return changes


def _failure(
    duplicate_id: uuid.UUID, reason: BulkIdErrorReason, message: str | None = None
) -> BulkIdResponseDto:
    return BulkIdResponseDto(id=str(duplicate_id), success=False, error=reason, errorMessage=message)
