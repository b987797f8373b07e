"""Integrity reports (Immich 3.x): files the database expects but the disk lacks, files on disk no row
knows, and originals whose SHA-1 no longer matches. The scans are jobs on the ``integrityCheck`` queue
(:mod:`albumen.services.integrity_checks`); this module serves the reports and acts on them.

A report's ``path`` is a storage key, relative to the media location.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.repositories.integrity import IntegrityRepository
from albumen.db.tables import IntegrityReport as IntegrityReportRow
from albumen.dto.config_admin import AdminConfig
from albumen.dto.integrity import (
    IntegrityReport,
    IntegrityReportItemDto,
    IntegrityReportResponseDto,
    IntegrityReportSummaryResponseDto,
)
from albumen.jobs import JobName, ScheduledJob
from albumen.services.errors import NotFoundError
from albumen.storage.base import InvalidStorageKeyError
from albumen.storage.local import LocalStorage

CSV_PAGE = 1000


def local_file(settings: Settings, key: str) -> Path | None:
    """Where a storage key lives on disk (an absolute path is an external library's), or None for a key
    that would leave the media location."""
    if key.startswith("/"):
        return Path(key)
    try:
        return LocalStorage(settings.media_root).local_path(key)
    except InvalidStorageKeyError:
        return None


async def summary(db: AsyncSession) -> IntegrityReportSummaryResponseDto:
    return IntegrityReportSummaryResponseDto.model_validate(await IntegrityRepository(db).summary())


async def report_page(
    db: AsyncSession, report_type: IntegrityReport, cursor: uuid.UUID | None, limit: int
) -> IntegrityReportResponseDto:
    """One page of reports; ``nextCursor`` is the id the next page starts after."""
    rows = await IntegrityRepository(db).page(report_type.value, cursor, limit + 1)
    page = rows[:limit]
    return IntegrityReportResponseDto(
        items=[
            IntegrityReportItemDto(id=str(row.id), type=IntegrityReport(row.type), path=row.path)
            for row in page
        ],
        nextCursor=str(page[-1].id) if len(rows) > limit else None,
    )


async def _report(db: AsyncSession, report_id: uuid.UUID) -> IntegrityReportRow:
    report = await IntegrityRepository(db).get(report_id)
    if report is None:
        raise NotFoundError("Integrity report not found")
    return report


async def report_file(db: AsyncSession, settings: Settings, report_id: uuid.UUID) -> Path:
    """The flagged file, for the admin to look at before deciding."""
    report = await _report(db, report_id)
    path = local_file(settings, report.path)
    if path is None or not path.is_file():
        raise NotFoundError("The reported file does not exist")
    return path


async def delete_report(db: AsyncSession, settings: Settings, report_id: uuid.UUID) -> None:
    """Resolve one report the way Immich does: an asset whose original is missing or corrupt goes to
    the trash, a missing derived file's row is dropped (it is generated again), an untracked file is
    deleted. The report goes with it."""
    await apply_resolution(db, settings, await _report(db, report_id))
    await db.commit()


async def apply_resolution(db: AsyncSession, settings: Settings, report: IntegrityReportRow) -> None:
    repository = IntegrityRepository(db)
    if report.asset_id is not None:
        await repository.trash_asset(report.asset_id)
    elif report.file_asset_id is not None:
        await repository.delete_asset_file(report.file_asset_id)
    elif report.type == IntegrityReport.UNTRACKED_FILE:
        path = local_file(settings, report.path)
        if path is not None:
            path.unlink(missing_ok=True)
    await repository.delete_ids([report.id])


async def report_csv(database: Database, report_type: IntegrityReport) -> AsyncIterator[bytes]:
    """Every report of a type as CSV (``id,type,assetId,fileAssetId,path``, Immich's columns)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "type", "assetId", "fileAssetId", "path"])
    after: uuid.UUID | None = None
    while True:
        async with database.session() as db:
            rows = await IntegrityRepository(db).page(report_type.value, after, CSV_PAGE)
        for row in rows:
            writer.writerow([row.id, row.type, row.asset_id or "", row.file_asset_id or "", row.path])
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        if len(rows) < CSV_PAGE:
            return
        after = rows[-1].id


def integrity_schedule(config: Callable[[], AdminConfig | None]) -> list[ScheduledJob]:
    """The three nightly scans of ``integrityChecks`` for a worker's :class:`albumen.jobs.Schedule`."""

    def cron_of(check: str) -> Callable[[], str | None]:
        def cron() -> str | None:
            current = config()
            if current is None:
                return None
            settings = getattr(current.integrityChecks, check)
            return settings.cronExpression if settings.enabled else None

        return cron

    return [
        ScheduledJob(
            "integrity-missing-files", cron_of("missingFiles"), JobName.INTEGRITY_MISSING_FILES_QUEUE_ALL
        ),
        ScheduledJob(
            "integrity-untracked-files",
            cron_of("untrackedFiles"),
            JobName.INTEGRITY_UNTRACKED_FILES_QUEUE_ALL,
        ),
        ScheduledJob("integrity-checksum-files", cron_of("checksumFiles"), JobName.INTEGRITY_CHECKSUM_FILES),
    ]
