"""The ``Maintenance (admin)`` tag's integrity reports: summary, pages by type, the flagged file, CSV,
and resolving one report."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, StreamingResponse

from albumen.api.deps import DbSession, State, authenticated
from albumen.dto.integrity import (
    IntegrityReport,
    IntegrityReportResponseDto,
    IntegrityReportSummaryResponseDto,
)
from albumen.permissions import Permission
from albumen.services import integrity
from albumen.services.authentication import AuthContext

router = APIRouter()

Admin = Annotated[AuthContext, authenticated(Permission.MAINTENANCE, admin=True)]
#: JavaScript's Number.MAX_SAFE_INTEGER, the spec's upper bound.
MAX_LIMIT = 9007199254740991


@router.get("/admin/integrity/summary")
async def get_integrity_report_summary(db: DbSession, auth: Admin) -> IntegrityReportSummaryResponseDto:
    return await integrity.summary(db)


@router.get("/admin/integrity/report")
async def get_integrity_report(
    db: DbSession,
    auth: Admin,
    type: Annotated[IntegrityReport, Query()],
    cursor: Annotated[uuid.UUID | None, Query()] = None,
    limit: Annotated[int, Query(gt=0, le=MAX_LIMIT)] = 500,
) -> IntegrityReportResponseDto:
    return await integrity.report_page(db, type, cursor, limit)


@router.delete("/admin/integrity/report/{id}")
async def delete_integrity_report(id: uuid.UUID, db: DbSession, state: State, auth: Admin) -> None:
    await integrity.delete_report(db, state.settings, id)


@router.get("/admin/integrity/report/{id}/file", response_class=FileResponse)
async def get_integrity_report_file(id: uuid.UUID, db: DbSession, state: State, auth: Admin) -> FileResponse:
    path = await integrity.report_file(db, state.settings, id)
    return FileResponse(
        path,
        filename=path.name,
        media_type="application/octet-stream",
        headers={"Cache-Control": "private, no-cache, no-transform"},
    )


@router.get("/admin/integrity/report/{type}/csv", response_class=StreamingResponse)
async def get_integrity_report_csv(type: IntegrityReport, state: State, auth: Admin) -> StreamingResponse:
    return StreamingResponse(
        integrity.report_csv(state.database, type),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="integrity-report-{type.value}.csv"'},
    )
