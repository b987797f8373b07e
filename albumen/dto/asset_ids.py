"""Bulk id requests and per-id results (Immich's ``asset-ids.response.dto``): albums, tags, memories."""

from __future__ import annotations

import uuid
from enum import StrEnum

from albumen.dto.base import OmitNoneDto, RequestDto


class BulkIdErrorReason(StrEnum):
    DUPLICATE = "duplicate"
    NO_PERMISSION = "no_permission"
    NOT_FOUND = "not_found"
    UNKNOWN = "unknown"
    VALIDATION = "validation"


class BulkIdsDto(RequestDto):
    ids: list[uuid.UUID]


class BulkIdResponseDto(OmitNoneDto):
    omit_when_none = frozenset({"error", "errorMessage"})

    id: str
    success: bool
    error: BulkIdErrorReason | None = None
    errorMessage: str | None = None
