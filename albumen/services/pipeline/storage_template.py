"""The storage template (off by default): originals moved from ``upload/`` to
``library/<storageLabel or userId>/<rendered template>.<ext>``, as Immich's StorageTemplateService does.

A move is recorded in ``move_history`` before the file is renamed and the record is removed in the
transaction that points the asset at its new path, so a crash in between is finished by the next run.
Rendered paths that would leave the user's library folder are refused; a taken name gets ``+1``, ``+2``…
"""

from __future__ import annotations

import logging
import posixpath
import re
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_pipeline import AlbumInfo, AssetPipelineRepository
from albumen.db.tables import Asset, AssetExif
from albumen.dto.config_admin import AdminConfig
from albumen.jobs import JobContext
from albumen.jobs.schedule import local_timezone
from albumen.media.formats import AssetType
from albumen.media.timezones import zone_info
from albumen.services.pipeline import chain
from albumen.services.pipeline.context import Pipeline, asset_id_of
from albumen.services.pipeline.file_moves import FileMove, move_files, prune_empty_folders, resume_moves
from albumen.services.pipeline.live_photos import is_motion_video_key
from albumen.services.pipeline.template import TemplateError, date_variables, render
from albumen.storage.base import InvalidStorageKeyError, StorageFolder, make_key, normalise_key

logger = logging.getLogger(__name__)

_UNSAFE_CHARACTERS = re.compile(r'[/?<>\\:*|"\x00-\x1f\x80-\x9f]')
_RESERVED_NAME = re.compile(r"^\.+$")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
_TRAILING_DOTS = re.compile(r"[. ]+$")
_DUPLICATE_SUFFIX = re.compile(r"^\+\d+$")


def sanitize_filename(name: str) -> str:
    """The npm ``sanitize-filename`` rules Immich applies to names it puts in paths."""
    cleaned = _UNSAFE_CHARACTERS.sub("", name)
    cleaned = _RESERVED_NAME.sub("", cleaned)
    cleaned = _WINDOWS_RESERVED.sub("", cleaned)
    cleaned = _TRAILING_DOTS.sub("", cleaned)
    encoded = cleaned.encode("utf-8")[:255]
    return encoded.decode("utf-8", errors="ignore")


@dataclass(frozen=True)
class TemplateSubject:
    """What a template may name about one asset."""

    asset: Asset
    exif: AssetExif | None
    filename: str  # the name the file should carry, extension included (originalFileName)
    album: AlbumInfo | None


def extension_of_key(key: str) -> str:
    return PurePosixPath(key).suffix.lower().lstrip(".")


def template_variables(subject: TemplateSubject, extension: str) -> dict[str, str]:
    asset, exif = subject.asset, subject.exif
    stem = subject.filename
    if extension and stem.lower().endswith(f".{extension}"):
        stem = stem[: -(len(extension) + 1)]
    is_image = asset.type == AssetType.IMAGE
    variables = {
        "filename": sanitize_filename(stem) or str(asset.id),
        "ext": extension,
        "filetype": "IMG" if is_image else "VID",
        "filetypefull": "IMAGE" if is_image else "VIDEO",
        "assetId": str(asset.id),
        "assetIdShort": str(asset.id)[-12:],
        "album": sanitize_filename(re.sub(r"\.+", "", subject.album.name)) if subject.album else "",
        "make": (exif.make if exif else None) or "",
        "model": (exif.model if exif else None) or "",
        "lensModel": (exif.lens_model if exif else None) or "",
    }
    zone = (zone_info(exif.time_zone) if exif and exif.time_zone else None) or local_timezone()
    variables.update(date_variables(asset.file_created_at.astimezone(zone)))
    if subject.album is not None:
        for prefix, moment in (
            ("album-startDate-", subject.album.start_date),
            ("album-endDate-", subject.album.end_date),
        ):
            if moment is not None:
                variables.update(date_variables(moment.astimezone(zone), prefix))
    return variables


def library_root(owner_id: uuid.UUID, storage_label: str | None) -> str:
    try:
        return make_key(StorageFolder.LIBRARY, storage_label or str(owner_id))
    except InvalidStorageKeyError:
        return make_key(StorageFolder.LIBRARY, str(owner_id))


def template_stem(template: str, subject: TemplateSubject, root: str, extension: str) -> str | None:
    """``<root>/<rendered>`` normalised, or None when rendering fails or the result escapes ``root``."""
    try:
        rendered = render(template, template_variables(subject, extension))
    except TemplateError as error:
        logger.warning("asset %s: storage template not applied: %s", subject.asset.id, error)
        return None
    full = posixpath.normpath(f"{root}/{rendered}")
    try:
        normalise_key(full)
    except InvalidStorageKeyError:
        full = ""
    if not full.startswith(f"{root}/") or "\\" in rendered:
        logger.warning(
            "asset %s: storage template path %r leaves %s; not moved", subject.asset.id, rendered, root
        )
        return None
    return full


async def destination_key(
    pipeline: Pipeline, db: AsyncSession, asset: Asset, stem: str, extension: str
) -> str:
    """The first free ``<stem>.<ext>``, ``<stem>+1.<ext>``…; the asset's own path when it already has
    the template's name (with or without a duplicate suffix)."""
    source = asset.original_path
    suffix = f".{extension}" if extension else ""
    if source == f"{stem}{suffix}":
        return source
    if source.startswith(stem) and source.endswith(suffix):
        middle = source[len(stem) : len(source) - len(suffix)] if suffix else source[len(stem) :]
        if _DUPLICATE_SUFFIX.match(middle):
            return source
    repository = AssetPipelineRepository(db)
    count = 0
    while True:
        candidate = f"{stem}{f'+{count}' if count else ''}{suffix}"
        taken = pipeline.storage.local_path(candidate).exists() or await repository.path_taken(
            candidate, asset.id
        )
        if not taken:
            return candidate
        count += 1


async def move_asset(
    pipeline: Pipeline, config: AdminConfig, asset_id: uuid.UUID, filename: str | None = None
) -> str | None:
    """Move one asset's original (and sidecar) where the template puts it; returns the new key, or None
    when it stays. ``filename`` overrides the name (the video of a live photo takes the still's)."""
    database = pipeline.database
    await resume_moves(pipeline, asset_id)
    async with database.session() as db:
        repository = AssetPipelineRepository(db)
        loaded = await repository.get_with_exif(asset_id)
        if loaded is None:
            return None
        asset, exif = loaded
        if asset.is_external or asset.library_id is not None or is_motion_video_key(asset.original_path):
            return None
        if exif is None or not exif.file_size_in_byte:
            logger.warning("asset %s has no metadata yet; storage template skipped", asset_id)
            return None
        template = config.storageTemplate.template
        album = await repository.newest_album(asset.owner_id, asset.id) if "album" in template else None
        root = library_root(asset.owner_id, await repository.storage_label(asset.owner_id))
        extension = extension_of_key(asset.original_path)
        subject = TemplateSubject(asset, exif, filename or asset.original_file_name, album)
        stem = template_stem(template, subject, root, extension)
        if stem is None:
            return None
        destination = await destination_key(pipeline, db, asset, stem, extension)
    if destination == asset.original_path:
        return None
    moves = [FileMove("original", asset.original_path, destination)]
    if asset.sidecar_path:
        moves.append(FileMove("sidecar", asset.sidecar_path, f"{destination}.xmp"))
    await move_files(pipeline, asset, moves, verify=config.storageTemplate.hashVerificationEnabled)
    return destination


async def _move_logged(
    pipeline: Pipeline, config: AdminConfig, asset_id: uuid.UUID, filename: str | None
) -> None:
    try:
        await move_asset(pipeline, config, asset_id, filename)
    except OSError as error:
        logger.error("asset %s: problem applying the storage template: %s", asset_id, error)


async def migrate_single_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``StorageTemplateMigrationSingle {id, source}``: move one asset (and its live-photo video, named
    after the still), then pass a fresh upload on to thumbnail generation."""
    asset_id = asset_id_of(ctx.data)
    config = await pipeline.config()
    if config.storageTemplate.enabled:
        await _move_logged(pipeline, config, asset_id, None)
        async with ctx.database.session() as db:
            repository = AssetPipelineRepository(db)
            still = await repository.get_with_exif(asset_id)
            video_id = still[0].live_photo_video_id if still is not None else None
            video = await repository.get_with_exif(video_id) if video_id is not None else None
        if still is not None and video is not None:
            name = (
                PurePosixPath(still[0].original_file_name).stem + PurePosixPath(video[0].original_path).suffix
            )
            await _move_logged(pipeline, config, video[0].id, name)
    async with ctx.database.session() as db, db.begin():
        await chain.after_storage_template(db, asset_id, ctx.data.get("source"))


async def migrate_all_job(ctx: JobContext, pipeline: Pipeline) -> None:
    """``StorageTemplateMigration``: apply the current template to every asset, then drop empty folders."""
    config = await pipeline.config()
    if not config.storageTemplate.enabled:
        logger.info("storage template migration skipped: the storage template is disabled")
        return
    after: uuid.UUID | None = None
    while True:
        async with ctx.database.session() as db:
            ids = await AssetPipelineRepository(db).page_asset_ids(after, chain.QUEUE_ALL_BATCH)
        if not ids:
            break
        for asset_id in ids:
            await _move_logged(pipeline, config, asset_id, None)
        after = ids[-1]
    await prune_empty_folders(pipeline, StorageFolder.LIBRARY)
    logger.info("storage template migration finished")
