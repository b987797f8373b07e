"""Reading and changing assets the caller may reach: info, updates (one or many), deletes, copies."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_metadata import AssetMetadataRepository
from albumen.db.repositories.assets import DELETED, TRASHED, AssetRepository
from albumen.db.repositories.search import SearchRepository
from albumen.db.repositories.stacks import StackRepository
from albumen.db.repositories.tags import TagRepository
from albumen.db.repositories.timeline import TimelineRepository
from albumen.dto.assets import (
    AssetBulkDeleteDto,
    AssetBulkUpdateDto,
    AssetCopyDto,
    AssetOcrResponseDto,
    AssetResponseDto,
    AssetStackResponseDto,
    AssetVisibility,
    UpdateAssetDto,
    parse_timestamp,
    to_asset_dto,
)
from albumen.dto.people import to_person_dto
from albumen.dto.shared_links import SanitizedAssetResponseDto, to_sanitized_asset_dto
from albumen.dto.tags import to_tag_dto
from albumen.dto.users import AssetStatsResponseDto
from albumen.media.formats import AssetType
from albumen.media.timezones import fixed_zone_name, zone_info
from albumen.permissions import Permission
from albumen.services import events
from albumen.services.access import require_assets
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError, UnauthorizedError
from albumen.services.trash import purge_assets
from albumen.storage.base import Storage

#: Request field -> ``asset_exif`` column, for the fields both update DTOs share.
EXIF_FIELDS = {
    "description": "description",
    "latitude": "latitude",
    "longitude": "longitude",
    "rating": "rating",
}


def require_elevated(auth: AuthContext) -> None:
    """The locked folder needs a session unlocked with the PIN code (Immich's 401 message)."""
    if not auth.has_elevated_permission:
        raise UnauthorizedError("Elevated permission is required")


async def get_asset(
    db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID
) -> AssetResponseDto | SanitizedAssetResponseDto:
    await require_assets(db, auth, Permission.ASSET_READ, [asset_id])
    if auth.shared_link is not None and not auth.shared_link.show_exif:
        hidden = await AssetRepository(db).get(asset_id)
        if hidden is None:
            raise BadRequestError(f"Not found or no {Permission.ASSET_READ.value} access")
        return to_sanitized_asset_dto(hidden)
    return await asset_response(db, auth, asset_id)


async def asset_response(db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID) -> AssetResponseDto:
    """One asset as its owner, a partner or an album member sees it (access checked beforehand)."""
    found = await AssetRepository(db).get_with_exif(asset_id)
    if found is None:
        raise BadRequestError(f"Not found or no {Permission.ASSET_READ.value} access")
    asset, exif, owner = found
    stack = None
    if asset.stack_id is not None:
        summary = (await StackRepository(db).summaries([asset.stack_id]))[asset.stack_id]
        stack = AssetStackResponseDto(
            id=str(summary.id), primaryAssetId=str(summary.primary_asset_id), assetCount=summary.asset_count
        )
    tags = (await TagRepository(db).tags_of_assets([asset.id])).get(asset.id, [])
    # Immich's asset viewer lists the people on the photo (each once, as on the people page).
    faces = (await SearchRepository(db).people_of_assets([asset.id])).get(asset.id, [])
    people = {person.id: to_person_dto(person).model_dump(mode="json") for person, _ in faces}
    dto = to_asset_dto(
        asset,
        exif=exif,
        owner=owner,
        stack=stack,
        tags=[to_tag_dto(tag).model_dump() for tag in tags],
        people=list(people.values()),
        with_stack=True,
    )
    # Immich: a favourite is the owner's mark; others (partners, album members) see false.
    dto.isFavorite = asset.is_favorite and asset.owner_id == auth.user_id
    return dto


async def statistics(
    db: AsyncSession,
    auth: AuthContext,
    *,
    is_favorite: bool | None = None,
    is_trashed: bool | None = None,
    visibility: AssetVisibility | None = None,
) -> AssetStatsResponseDto:
    if visibility is AssetVisibility.LOCKED:
        require_elevated(auth)
    # Immich: timeline and archive unless a visibility is asked for; trashed assets only when asked.
    counts = await TimelineRepository(db).type_counts(
        auth.user_id,
        visibilities=(visibility.value,) if visibility is not None else ("archive", "timeline"),
        is_favorite=is_favorite,
        trashed=bool(is_trashed),
    )
    images, videos = counts.get(AssetType.IMAGE, 0), counts.get(AssetType.VIDEO, 0)
    return AssetStatsResponseDto(images=images, videos=videos, total=images + videos)


async def update_asset(
    db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID, dto: UpdateAssetDto
) -> AssetResponseDto:
    """``PUT /assets/{id}``: favourite, visibility, live photo link and the editable EXIF fields."""
    await require_assets(db, auth, Permission.ASSET_UPDATE, [asset_id])
    if dto.visibility is AssetVisibility.LOCKED:
        require_elevated(auth)
    assets = AssetRepository(db)
    asset = await assets.get(asset_id)
    if asset is None:
        raise BadRequestError("Asset not found")
    changes = _asset_changes(dto)
    previous_motion = None
    if "livePhotoVideoId" in dto.model_fields_set:
        if dto.livePhotoVideoId is not None:
            await _link_motion(assets, auth, dto.livePhotoVideoId)
        elif asset.live_photo_video_id is not None:
            previous_motion = asset.live_photo_video_id
        changes["live_photo_video_id"] = dto.livePhotoVideoId
    await _write_exif(assets, [asset_id], dto)
    if changes:
        await assets.update(asset_id, **changes)
    if previous_motion is not None:
        # The motion part of an unlinked live photo shows up again, with its photo's visibility.
        await assets.update(previous_motion, visibility=changes.get("visibility", asset.visibility))
    if dto.visibility is AssetVisibility.LOCKED:
        await assets.remove_from_albums([asset_id])
    updated = await asset_response(db, auth, asset_id)
    if dto.model_fields_set & {*EXIF_FIELDS, "dateTimeOriginal"}:
        # Immich announces the asset once its rewritten sidecar has been read back.
        await events.emit(db, "on_asset_update", [asset.owner_id], updated)
    await db.commit()
    return updated


async def update_assets(db: AsyncSession, auth: AuthContext, dto: AssetBulkUpdateDto) -> None:
    """``PUT /assets``: the same changes on many assets, plus shifting dates and setting duplicate ids."""
    ids = list(dict.fromkeys(dto.ids))
    await require_assets(db, auth, Permission.ASSET_UPDATE, ids)
    if dto.visibility is AssetVisibility.LOCKED:
        require_elevated(auth)
    assets = AssetRepository(db)
    changes = _asset_changes(dto)
    if "duplicateId" in dto.model_fields_set:
        changes["duplicate_id"] = dto.duplicateId
    await _write_exif(assets, ids, dto)
    if (dto.dateTimeRelative or 0) != 0 or dto.timeZone is not None:
        zone = dto.timeZone
        if zone is not None and zone_info(zone) is None:
            raise BadRequestError("Invalid time zone")
        await assets.shift_exif_dates(ids, dto.dateTimeRelative or 0, zone)
        await _follow_exif_dates(assets, ids)
    await assets.update_many(ids, **changes)
    if dto.visibility is AssetVisibility.LOCKED:
        await assets.remove_from_albums(ids)
    await db.commit()


async def _link_motion(assets: AssetRepository, auth: AuthContext, video_id: uuid.UUID) -> None:
    """Immich's checks before a photo points at its motion video; the video leaves the timeline."""
    motion = await assets.get(video_id)
    if motion is None:
        raise BadRequestError("Live photo video not found")
    if motion.type != AssetType.VIDEO:
        raise BadRequestError("Live photo video must be a video")
    if motion.owner_id != auth.user_id:
        raise BadRequestError("Live photo video does not belong to the user")
    if motion.visibility == AssetVisibility.TIMELINE:
        await assets.update(video_id, visibility=AssetVisibility.HIDDEN.value)
        await events.emit(assets.session, "on_asset_hidden", [motion.owner_id], video_id)


def _asset_changes(dto: UpdateAssetDto | AssetBulkUpdateDto) -> dict[str, Any]:
    """``asset`` columns both update requests may change (absent fields stay as they are)."""
    changes: dict[str, Any] = {}
    if dto.isFavorite is not None:
        changes["is_favorite"] = dto.isFavorite
    if dto.visibility is not None:
        changes["visibility"] = dto.visibility.value
    return changes


async def _write_exif(
    assets: AssetRepository, asset_ids: list[uuid.UUID], dto: UpdateAssetDto | AssetBulkUpdateDto
) -> None:
    """Write the EXIF fields the request names (locking them) and move the assets on the timeline
    when ``dateTimeOriginal`` changes, as Immich's re-extraction from the written sidecar would."""
    given = dto.model_fields_set
    values: dict[str, Any] = {
        column: getattr(dto, field) for field, column in EXIF_FIELDS.items() if field in given
    }
    if values.get("description") is None:
        values.pop("description", None)
    if dto.dateTimeOriginal is not None:
        instant, zone = _parse_date_time_original(dto.dateTimeOriginal)
        values["date_time_original"] = instant
        if zone is not None:
            values["time_zone"] = zone
    await assets.update_exif_locked(asset_ids, values)
    if dto.dateTimeOriginal is not None:
        await _follow_exif_dates(assets, asset_ids)


async def _follow_exif_dates(assets: AssetRepository, asset_ids: list[uuid.UUID]) -> None:
    """Place assets on the timeline by their (changed) ``dateTimeOriginal`` and zone."""
    dates = await assets.exif_dates(asset_ids)
    await assets.set_dates([(asset_id, instant, _local(instant, zone)) for asset_id, instant, zone in dates])


def _parse_date_time_original(text: str) -> tuple[datetime, str | None]:
    """The instant, and a fixed zone ("UTC+2") when the string states its offset (Immich's
    ``extractTimeZone``); a date without an offset is read as UTC."""
    parsed = parse_timestamp(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC), None
    offset = parsed.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return parsed.astimezone(UTC), fixed_zone_name(minutes)


def _local(instant: datetime, zone: str | None) -> datetime:
    """Immich's ``localDateTime``: the wall-clock time where the photo was taken, labelled UTC."""
    tz = zone_info(zone) if zone else None
    return instant.astimezone(tz or UTC).replace(tzinfo=UTC)


async def delete_assets(
    db: AsyncSession, storage: Storage, auth: AuthContext, dto: AssetBulkDeleteDto
) -> None:
    """``DELETE /assets``: to the trash, or (``force``) gone now, files and all."""
    ids = list(dict.fromkeys(dto.ids))
    await require_assets(db, auth, Permission.ASSET_DELETE, ids)
    await AssetRepository(db).trash(ids, DELETED if dto.force else TRASHED)
    if not dto.force:
        await events.emit(db, "on_asset_trash", [auth.user_id], ids)
    await db.commit()
    if dto.force:
        await purge_assets(db, storage, ids)


async def copy_asset(db: AsyncSession, auth: AuthContext, dto: AssetCopyDto) -> None:
    """``PUT /assets/copy``: carry albums, shared links, stack and favourite over to another asset
    (used when a new version of a photo replaces an old one)."""
    await require_assets(db, auth, Permission.ASSET_COPY, [dto.sourceId, dto.targetId])
    assets = AssetRepository(db)
    source, target = await assets.get(dto.sourceId), await assets.get(dto.targetId)
    if source is None or target is None:
        raise BadRequestError("Both assets must exist")
    if dto.sourceId == dto.targetId:
        raise BadRequestError("Source and target id must be distinct")
    if dto.albums:
        await assets.copy_album_links(source.id, target.id)
    if dto.sharedLinks:
        await assets.copy_shared_link_links(source.id, target.id)
    if dto.stack and source.stack_id is not None:
        stacks = StackRepository(db)
        if target.stack_id is not None and target.stack_id != source.stack_id:
            await stacks.move_members([source.stack_id], target.stack_id)
            await stacks.delete([source.stack_id])
        else:
            await stacks.set_stack([target.id], source.stack_id)
    if dto.favorite:
        await assets.update(target.id, is_favorite=source.is_favorite)
    await db.commit()


async def get_ocr(db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID) -> list[AssetOcrResponseDto]:
    """Text found in the photo (empty until the OCR job has read it)."""
    await require_assets(db, auth, Permission.ASSET_READ, [asset_id])
    return [
        AssetOcrResponseDto(
            id=str(row.id),
            assetId=str(row.asset_id),
            x1=row.x1,
            y1=row.y1,
            x2=row.x2,
            y2=row.y2,
            x3=row.x3,
            y3=row.y3,
            x4=row.x4,
            y4=row.y4,
            boxScore=row.box_score,
            textScore=row.text_score,
            text=row.text,
        )
        for row in await AssetMetadataRepository(db).ocr_of(asset_id)
    ]
