"""The ``Assets`` tag: upload, info, updates, deletes, media (original, thumbnails, video), metadata."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from albumen.api.deps import DbSession, State, authenticated
from albumen.api.media_responses import file_response, media_response
from albumen.api.upload_stream import receive_upload
from albumen.dto.asset_edits import AssetEditsCreateDto, AssetEditsResponseDto
from albumen.dto.asset_metadata import (
    AssetMetadataBulkDeleteDto,
    AssetMetadataBulkResponseDto,
    AssetMetadataBulkUpsertDto,
    AssetMetadataResponseDto,
    AssetMetadataUpsertDto,
)
from albumen.dto.assets import (
    AssetBulkDeleteDto,
    AssetBulkUpdateDto,
    AssetBulkUploadCheckDto,
    AssetBulkUploadCheckResponseDto,
    AssetCopyDto,
    AssetMediaResponseDto,
    AssetMediaSize,
    AssetOcrResponseDto,
    AssetResponseDto,
    AssetVisibility,
    UpdateAssetDto,
)
from albumen.dto.shared_links import SanitizedAssetResponseDto
from albumen.dto.users import AssetStatsResponseDto
from albumen.permissions import Permission
from albumen.services import asset_media, asset_metadata, asset_upload, assets
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError
from albumen.storage.local import LocalStorage

router = APIRouter(prefix="/assets", tags=["Assets"])


def media_storage(state: State) -> LocalStorage:
    return LocalStorage(state.settings.media_root)


@router.post("", status_code=status.HTTP_201_CREATED)
async def upload_asset(
    request: Request,
    response: Response,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_UPLOAD)],
) -> AssetMediaResponseDto:
    announced = int(request.headers.get("content-length") or 0)
    if announced:
        asset_upload.check_quota(auth, announced - 4096)  # fail fast, before reading the body
    storage = media_storage(state)
    asset_id = uuid.uuid4()
    received = await receive_upload(
        request,
        storage.staging_dir(),
        file_fields=asset_upload.staged_names(asset_id),
        max_file_bytes=state.settings.max_upload_bytes,
    )
    staged_file = received.files.get(asset_upload.ASSET_FIELD)
    if staged_file is None:
        received.discard()
        raise BadRequestError("Validation failed", errors=[{"path": ["assetData"], "message": "Required"}])
    try:
        form = asset_upload.parse_upload_form(received.fields)
    except BadRequestError:
        received.discard()
        raise
    sidecar = received.files.get(asset_upload.SIDECAR_FIELD)
    staged = asset_upload.StagedUpload(
        asset_id=asset_id,
        path=staged_file.path,
        filename=staged_file.filename,
        size=staged_file.size,
        sha1=staged_file.sha1,
        sidecar_path=sidecar.path if sidecar is not None else None,
    )
    result, created = await asset_upload.store_upload(db, storage, auth, form, staged)
    if not created:
        response.status_code = status.HTTP_200_OK
    return result


@router.post("/bulk-upload-check")
async def check_bulk_upload(
    dto: AssetBulkUploadCheckDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_UPLOAD)],
) -> AssetBulkUploadCheckResponseDto:
    return await asset_upload.bulk_upload_check(db, auth, dto)


@router.put("", status_code=status.HTTP_204_NO_CONTENT)
async def update_assets(
    dto: AssetBulkUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_UPDATE)],
) -> None:
    await assets.update_assets(db, auth, dto)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
async def delete_assets(
    dto: AssetBulkDeleteDto,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_DELETE)],
) -> None:
    await assets.delete_assets(db, media_storage(state), auth, dto)


@router.put("/copy", status_code=status.HTTP_204_NO_CONTENT)
async def copy_asset(
    dto: AssetCopyDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ASSET_COPY)]
) -> None:
    await assets.copy_asset(db, auth, dto)


@router.put("/metadata")
async def update_bulk_asset_metadata(
    dto: AssetMetadataBulkUpsertDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_UPDATE)],
) -> list[AssetMetadataBulkResponseDto]:
    return await asset_metadata.upsert_bulk_metadata(db, auth, dto)


@router.delete("/metadata", status_code=status.HTTP_204_NO_CONTENT)
async def delete_bulk_asset_metadata(
    dto: AssetMetadataBulkDeleteDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_UPDATE)],
) -> None:
    await asset_metadata.delete_bulk_metadata(db, auth, dto)


@router.get("/statistics")
async def get_asset_statistics(
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_STATISTICS)],
    isFavorite: bool | None = None,
    isTrashed: bool | None = None,
    visibility: AssetVisibility | None = None,
) -> AssetStatsResponseDto:
    return await assets.statistics(
        db, auth, is_favorite=isFavorite, is_trashed=isTrashed, visibility=visibility
    )


@router.api_route("/{id}/original", methods=["GET", "HEAD"], response_class=Response)
async def download_asset(
    id: uuid.UUID,
    request: Request,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_DOWNLOAD)],
    edited: bool = False,
    key: Annotated[str | None, Query()] = None,
    slug: Annotated[str | None, Query()] = None,
) -> Response:
    media = await asset_media.original(db, media_storage(state), auth, id, edited=edited)
    return file_response(request, media)


@router.api_route("/{id}/thumbnail", methods=["GET", "HEAD"], response_class=Response)
async def view_asset(
    id: uuid.UUID,
    request: Request,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_VIEW)],
    size: AssetMediaSize = AssetMediaSize.THUMBNAIL,
    edited: bool = False,
    key: Annotated[str | None, Query()] = None,
    slug: Annotated[str | None, Query()] = None,
) -> Response:
    """``c`` (a cache-buster the apps add) and other unknown parameters are ignored."""
    media = await asset_media.thumbnail(db, media_storage(state), auth, id, size=size, edited=edited)
    return media_response(request, media)


@router.api_route("/{id}/video/playback", methods=["GET", "HEAD"], response_class=Response)
async def play_asset_video(
    id: uuid.UUID,
    request: Request,
    db: DbSession,
    state: State,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_VIEW)],
    key: Annotated[str | None, Query()] = None,
    slug: Annotated[str | None, Query()] = None,
) -> Response:
    return file_response(request, await asset_media.playback(db, media_storage(state), auth, id))


@router.get("/{id}/metadata")
async def get_asset_metadata(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ASSET_READ)]
) -> list[AssetMetadataResponseDto]:
    return await asset_metadata.get_metadata(db, auth, id)


@router.put("/{id}/metadata")
async def update_asset_metadata(
    id: uuid.UUID,
    dto: AssetMetadataUpsertDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_UPDATE)],
) -> list[AssetMetadataResponseDto]:
    return await asset_metadata.upsert_metadata(db, auth, id, dto)


@router.get("/{id}/metadata/{key}")
async def get_asset_metadata_by_key(
    id: uuid.UUID, key: str, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ASSET_READ)]
) -> AssetMetadataResponseDto:
    return await asset_metadata.get_metadata_by_key(db, auth, id, key)


@router.delete("/{id}/metadata/{key}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_asset_metadata(
    id: uuid.UUID,
    key: str,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_UPDATE)],
) -> None:
    await asset_metadata.delete_metadata(db, auth, id, key)


@router.get("/{id}/ocr")
async def get_asset_ocr(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ASSET_READ)]
) -> list[AssetOcrResponseDto]:
    return await assets.get_ocr(db, auth, id)


@router.get("/{id}/edits")
async def get_asset_edits(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ASSET_EDIT_GET)]
) -> AssetEditsResponseDto:
    return await asset_metadata.get_edits(db, auth, id)


@router.put("/{id}/edits")
async def edit_asset(
    id: uuid.UUID,
    dto: AssetEditsCreateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_EDIT_CREATE)],
) -> AssetEditsResponseDto:
    return await asset_metadata.replace_edits(db, auth, id, dto)


@router.delete("/{id}/edits", status_code=status.HTTP_204_NO_CONTENT)
async def remove_asset_edits(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.ASSET_EDIT_DELETE)]
) -> None:
    await asset_metadata.remove_edits(db, auth, id)


@router.put("/{id}")
async def update_asset(
    id: uuid.UUID,
    dto: UpdateAssetDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_UPDATE)],
) -> AssetResponseDto:
    return await assets.update_asset(db, auth, id, dto)


@router.get("/{id}")
async def get_asset_info(
    id: uuid.UUID,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ASSET_READ)],
    key: Annotated[str | None, Query()] = None,
    slug: Annotated[str | None, Query()] = None,
) -> AssetResponseDto | SanitizedAssetResponseDto:
    """A shared link that hides metadata gets Immich's sanitized view of the asset."""
    return await assets.get_asset(db, auth, id)


# runAssetJobs: part of the asset pipeline work, appended here so the rest of the module stays as is.
from albumen.dto.jobs import AssetJobsDto  # noqa: E402
from albumen.services import jobs as asset_jobs  # noqa: E402


@router.post("/jobs", status_code=status.HTTP_204_NO_CONTENT)
async def run_asset_jobs(
    dto: AssetJobsDto, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.JOB_CREATE)]
) -> None:
    await asset_jobs.run_asset_jobs(db, auth, dto)
