"""Client events about assets that need the asset itself: ``on_upload_success`` (``AssetResponseDto``)
and ``AssetUploadReadyV2`` (``{asset: SyncAssetV2, exif: SyncAssetExifV1}``), sent once an uploaded
asset has its thumbnails (Immich's job service, NOTES.md §4.2 G)."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.assets import AssetRepository
from albumen.db.repositories.tags import TagRepository
from albumen.db.tables import Asset, AssetExif
from albumen.dto.assets import AssetVisibility, to_asset_dto
from albumen.dto.base import iso_timestamp
from albumen.dto.tags import to_tag_dto
from albumen.services import events

#: Only assets that appear in a timeline are announced; hidden motion parts and locked assets never.
ANNOUNCED_VISIBILITIES = {AssetVisibility.TIMELINE.value, AssetVisibility.ARCHIVE.value}


async def announce_upload_ready(db: AsyncSession, asset_id: uuid.UUID) -> None:
    """Queue the upload events for the asset's owner (call inside the transaction that stores its
    thumbnails). An asset trashed meanwhile gets only the V2 event, whose ``deletedAt`` places it."""
    found = await AssetRepository(db).get_with_exif(asset_id)
    if found is None:
        return
    asset, exif, owner = found
    if asset.visibility not in ANNOUNCED_VISIBILITIES:
        return
    if asset.deleted_at is None:
        tags = (await TagRepository(db).tags_of_assets([asset.id])).get(asset.id, [])
        dto = to_asset_dto(asset, exif=exif, owner=owner, tags=[to_tag_dto(tag).model_dump() for tag in tags])
        await events.emit(db, "on_upload_success", [asset.owner_id], dto)
    if exif is not None:
        ready = {"asset": sync_asset_v2(asset), "exif": sync_asset_exif_v1(exif)}
        await events.emit(db, "AssetUploadReadyV2", [asset.owner_id], ready)


def _timestamp(value: Any) -> str | None:
    return iso_timestamp(value) if value is not None else None


def _id(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


def sync_asset_v2(asset: Asset) -> dict[str, Any]:
    """``SyncAssetV2`` (checksum and thumbhash in base64, duration in milliseconds)."""
    return {
        "id": str(asset.id),
        "ownerId": str(asset.owner_id),
        "originalFileName": asset.original_file_name,
        "thumbhash": base64.b64encode(asset.thumbhash).decode() if asset.thumbhash else None,
        "checksum": base64.b64encode(asset.checksum).decode(),
        "fileCreatedAt": _timestamp(asset.file_created_at),
        "fileModifiedAt": _timestamp(asset.file_modified_at),
        "createdAt": _timestamp(asset.created_at),
        "localDateTime": _timestamp(asset.local_date_time),
        "duration": asset.duration_ms,
        "type": asset.type,
        "deletedAt": _timestamp(asset.deleted_at),
        "isFavorite": asset.is_favorite,
        "visibility": asset.visibility,
        "livePhotoVideoId": _id(asset.live_photo_video_id),
        "stackId": _id(asset.stack_id),
        "libraryId": _id(asset.library_id),
        "width": asset.width,
        "height": asset.height,
        "isEdited": asset.is_edited,
    }


def sync_asset_exif_v1(exif: AssetExif) -> dict[str, Any]:
    """``SyncAssetExifV1``."""
    return {
        "assetId": str(exif.asset_id),
        "description": exif.description,
        "exifImageWidth": exif.exif_image_width,
        "exifImageHeight": exif.exif_image_height,
        "fileSizeInByte": exif.file_size_in_byte,
        "orientation": exif.orientation,
        "dateTimeOriginal": _timestamp(exif.date_time_original),
        "modifyDate": _timestamp(exif.modify_date),
        "timeZone": exif.time_zone,
        "latitude": exif.latitude,
        "longitude": exif.longitude,
        "projectionType": exif.projection_type,
        "city": exif.city,
        "state": exif.state,
        "country": exif.country,
        "make": exif.make,
        "model": exif.model,
        "lensModel": exif.lens_model,
        "fNumber": exif.f_number,
        "focalLength": exif.focal_length,
        "iso": exif.iso,
        "exposureTime": exif.exposure_time,
        "profileDescription": exif.profile_description,
        "rating": exif.rating,
        "fps": exif.fps,
    }
