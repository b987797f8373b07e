"""Uploads that are never lost: staged, fsynced, committed with their first job, renamed into place.

The staged file is named after the asset id chosen before the body arrives. A crash before the commit
leaves only a staged file with no row (removed at the next start); a crash after it leaves a row whose
file is still staged (moved into place at the next start). A client is told 201 only after the commit.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from albumen import metrics
from albumen.db.repositories.assets import AssetRepository
from albumen.db.tables import Asset, AssetMetadata
from albumen.dto.assets import (
    AssetBulkUploadCheckDto,
    AssetBulkUploadCheckResponseDto,
    AssetBulkUploadCheckResult,
    AssetMediaResponseDto,
    AssetMediaStatus,
    AssetRejectReason,
    AssetUploadAction,
    AssetVisibility,
)
from albumen.jobs import JobName, enqueue
from albumen.media.formats import AssetType, asset_type_of, extension_of
from albumen.services import shared_links
from albumen.services.authentication import AuthContext
from albumen.services.checksums import decode_checksum
from albumen.services.errors import BadRequestError
from albumen.storage.base import Storage, StorageFolder, make_key

logger = logging.getLogger(__name__)

ASSET_FIELD = "assetData"
SIDECAR_FIELD = "sidecarData"
#: Staged files older than this with no committed row are abandoned uploads (not in-flight ones).
ABANDONED_AFTER_SECONDS = 3600
_CLOCK_DURATION = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")


def staged_names(asset_id: uuid.UUID) -> dict[str, str]:
    return {ASSET_FIELD: f"{asset_id}.part", SIDECAR_FIELD: f"{asset_id}.xmp.part"}


class UploadForm(BaseModel):
    """The text fields of ``AssetMediaCreateDto``; unknown ones (``deviceAssetId``, ``fileSize``) ignored."""

    fileCreatedAt: datetime
    fileModifiedAt: datetime
    filename: str | None = None
    isFavorite: bool = False
    duration: int | None = None
    visibility: AssetVisibility = AssetVisibility.TIMELINE
    livePhotoVideoId: uuid.UUID | None = None
    metadata: list[dict[str, Any]] = []

    @field_validator("duration", mode="before")
    @classmethod
    def _duration_ms(cls, value: Any) -> int | None:
        """Integer milliseconds (3.x), or the 2.x clock string ``H:MM:SS.ffffff`` the app still sends."""
        if value is None or value == "":
            return None
        if isinstance(value, int | float):
            return int(value)
        text = str(value).strip()
        match = _CLOCK_DURATION.match(text)
        if match:
            hours, minutes, seconds = match.groups()
            return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)
        return int(float(text))

    @field_validator("metadata", mode="before")
    @classmethod
    def _metadata_json(cls, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value.strip() else []
        return value


def parse_upload_form(fields: dict[str, str]) -> UploadForm:
    try:
        return UploadForm.model_validate({key: value for key, value in fields.items() if value != ""})
    except (ValidationError, ValueError) as error:
        issues = error.errors() if isinstance(error, ValidationError) else [{"msg": str(error), "loc": ()}]
        raise BadRequestError(
            "Validation failed",
            errors=[
                {"path": [str(part) for part in issue.get("loc", ())], "message": issue.get("msg", "Invalid")}
                for issue in issues
            ],
        ) from None


@dataclass
class StagedUpload:
    """What arrived: the asset file and an optional XMP sidecar, both fsynced in the staging folder."""

    asset_id: uuid.UUID
    path: Path
    filename: str
    size: int
    sha1: bytes
    sidecar_path: Path | None = None
    discarded: list[Path] = field(default_factory=list)

    def discard(self) -> None:
        for path in (self.path, self.sidecar_path):
            if path is not None:
                path.unlink(missing_ok=True)


def original_key(owner_id: uuid.UUID, asset_id: uuid.UUID, filename: str) -> str:
    """``upload/<userId>/<ab>/<cd>/<assetId>.<ext>``: Immich's layout, two levels to keep folders small."""
    text = str(asset_id)
    return make_key(
        StorageFolder.UPLOAD, str(owner_id), text[0:2], text[2:4], f"{text}{extension_of(filename)}"
    )


def check_quota(auth: AuthContext, incoming_bytes: int) -> None:
    quota = auth.user.quota_size_in_bytes
    if quota is not None and auth.user.quota_usage_in_bytes + incoming_bytes > quota:
        raise BadRequestError("Quota has been exceeded!")


async def store_upload(
    db: AsyncSession, storage: Storage, auth: AuthContext, form: UploadForm, staged: StagedUpload
) -> tuple[AssetMediaResponseDto, bool]:
    """Commit the staged upload as a new asset, or report the existing one with the same checksum.

    Returns the response and whether an asset was created (201) rather than found (200).
    """
    assets = AssetRepository(db)
    filename = form.filename or staged.filename
    asset_type = asset_type_of(filename)
    if asset_type is None:
        staged.discard()
        raise BadRequestError(f"Unsupported file type {filename}")
    existing = await assets.get_by_checksum(auth.user_id, staged.sha1)
    if existing is not None:
        staged.discard()
        if auth.shared_link is not None:
            await shared_links.add_uploaded_asset(db, auth, existing.id)
            await db.commit()
        return AssetMediaResponseDto(id=str(existing.id), status=AssetMediaStatus.DUPLICATE), False
    try:
        check_quota(auth, staged.size)
        if form.livePhotoVideoId is not None:
            await _check_live_photo_video(assets, auth, form.livePhotoVideoId)
    except BadRequestError:
        staged.discard()
        raise

    key = original_key(auth.user_id, staged.asset_id, filename)
    sidecar_key = f"{key}.xmp" if staged.sidecar_path is not None else None
    try:
        await assets.create(
            id=staged.asset_id,
            owner_id=auth.user_id,
            type=asset_type.value,
            original_path=key,
            original_file_name=filename,
            checksum=staged.sha1,
            file_size=staged.size,
            file_created_at=form.fileCreatedAt,
            file_modified_at=form.fileModifiedAt,
            local_date_time=form.fileCreatedAt,
            is_favorite=form.isFavorite,
            visibility=form.visibility.value,
            duration_ms=form.duration if asset_type is AssetType.VIDEO else None,
            live_photo_video_id=form.livePhotoVideoId,
            sidecar_path=sidecar_key,
        )
        await assets.create_exif(asset_id=staged.asset_id, file_size_in_byte=staged.size)
        await assets.create_job_status(staged.asset_id)
        await _store_metadata(db, staged.asset_id, form.metadata)
        await shared_links.add_uploaded_asset(db, auth, staged.asset_id)
        await assets.add_usage(auth.user_id, staged.size)
        await enqueue(
            db, JobName.ASSET_EXTRACT_METADATA, {"id": str(staged.asset_id), "source": "upload"},
            dedupe_key=str(staged.asset_id),
        )  # fmt: skip
        await db.commit()
    except IntegrityError:
        # Another upload of the same file by the same user won the race.
        await db.rollback()
        staged.discard()
        winner = await assets.get_by_checksum(auth.user_id, staged.sha1)
        if winner is None:
            raise
        return AssetMediaResponseDto(id=str(winner.id), status=AssetMediaStatus.DUPLICATE), False
    except BaseException:
        await db.rollback()
        staged.discard()
        raise
    # Moved after the commit: a crash in between leaves a committed row whose file is still staged,
    # which recover_staged_uploads (or the metadata job, via adopt_staged) moves into place.
    await adopt_staged(storage, staged.asset_id, key, sidecar_key)
    metrics.record_upload(staged.size)
    logger.info("asset uploaded", extra={"asset_id": str(staged.asset_id), "bytes": staged.size})
    return AssetMediaResponseDto(id=str(staged.asset_id), status=AssetMediaStatus.CREATED), True


async def _check_live_photo_video(assets: AssetRepository, auth: AuthContext, video_id: uuid.UUID) -> None:
    video = await assets.get(video_id)
    if video is None or video.owner_id != auth.user_id or video.type != AssetType.VIDEO:
        raise BadRequestError("Not found or no asset.update access")


async def _store_metadata(db: AsyncSession, asset_id: uuid.UUID, items: list[dict[str, Any]]) -> None:
    for item in items:
        key, value = item.get("key"), item.get("value")
        if not isinstance(key, str) or not key or not isinstance(value, dict):
            raise BadRequestError(
                "Validation failed", errors=[{"path": ["metadata"], "message": "Invalid item"}]
            )
        statement = insert(AssetMetadata).values(asset_id=asset_id, key=key, value=value)
        await db.execute(
            statement.on_conflict_do_update(
                index_elements=[AssetMetadata.asset_id, AssetMetadata.key], set_={"value": value}
            )
        )


async def adopt_staged(storage: Storage, asset_id: uuid.UUID, key: str, sidecar_key: str | None) -> bool:
    """Move a committed asset's staged files into place; idempotent, so the upload request and a job
    that finds the original missing may both call it. Returns whether the original is in place."""
    names = staged_names(asset_id)
    for field_name, target in ((ASSET_FIELD, key), (SIDECAR_FIELD, sidecar_key)):
        if target is None:
            continue
        staged = storage.staging_dir() / names[field_name]
        # Missing: already adopted by the other party, or never sent.
        with contextlib.suppress(FileNotFoundError):
            await storage.adopt(staged, target)
    return storage.local_path(key).exists()


async def bulk_upload_check(
    db: AsyncSession, auth: AuthContext, dto: AssetBulkUploadCheckDto
) -> AssetBulkUploadCheckResponseDto:
    """Which local files the CLI should upload: hex or base64 SHA-1s compared with the caller's assets."""
    decoded = {item.id: decode_checksum(item.checksum) for item in dto.assets}
    found = await AssetRepository(db).get_by_checksums(
        auth.user_id, [value for value in decoded.values() if value is not None]
    )
    by_checksum = {asset.checksum: asset for asset in found}
    results = []
    for item in dto.assets:
        checksum = decoded[item.id]
        asset = by_checksum.get(checksum) if checksum is not None else None
        if asset is None:
            results.append(AssetBulkUploadCheckResult(id=item.id, action=AssetUploadAction.ACCEPT))
        else:
            results.append(
                AssetBulkUploadCheckResult(
                    id=item.id,
                    action=AssetUploadAction.REJECT,
                    reason=AssetRejectReason.DUPLICATE,
                    assetId=str(asset.id),
                    isTrashed=asset.deleted_at is not None,
                )
            )
    return AssetBulkUploadCheckResponseDto(results=results)


async def recover_staged_uploads(
    db: AsyncSession, storage: Storage, *, now: float | None = None, exclusive: bool = False
) -> dict[str, int]:
    """At start-up: finish uploads committed just before a crash; remove abandoned ones.

    With ``exclusive`` (this process owns the data directory, as with the embedded database) every
    uncommitted staged file is abandoned. Otherwise other API processes may share the storage, and a
    staged file is only removed once it is old enough that no upload can still be writing it.
    """
    staging = storage.staging_dir()
    counts = {"adopted": 0, "removed": 0}
    if not staging.is_dir():
        return counts
    now = time.time() if now is None else now
    for path in staging.iterdir():
        asset_id = _asset_id_of(path.name)
        if asset_id is None:
            continue
        row = (
            await db.execute(select(Asset.original_path, Asset.sidecar_path).where(Asset.id == asset_id))
        ).one_or_none()
        if row is not None:
            await adopt_staged(storage, asset_id, row.original_path, row.sidecar_path)
            counts["adopted"] += 1
            continue
        if exclusive or now - path.stat().st_mtime > ABANDONED_AFTER_SECONDS:
            path.unlink(missing_ok=True)
            counts["removed"] += 1
    return counts


def _asset_id_of(name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(name.split(".", 1)[0])
    except ValueError:
        return None
