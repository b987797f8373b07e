"""DTOs of the ``Maintenance (admin)`` tag's integrity reports."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from albumen.dto.base import Dto, OmitNoneDto


class IntegrityReport(StrEnum):
    UNTRACKED_FILE = "untracked_file"
    MISSING_FILE = "missing_file"
    CHECKSUM_MISMATCH = "checksum_mismatch"


class IntegrityReportSummaryResponseDto(Dto):
    checksum_mismatch: int = 0
    missing_file: int = 0
    untracked_file: int = 0


class IntegrityReportItemDto(Dto):
    id: str
    type: IntegrityReport
    path: str


class IntegrityReportResponseDto(OmitNoneDto):
    omit_when_none: ClassVar[frozenset[str]] = frozenset({"nextCursor"})

    items: list[IntegrityReportItemDto]
    nextCursor: str | None = None
