"""Albumen's readiness answer (``GET /api/server/ready``); not an Immich DTO."""

from __future__ import annotations

from albumen.dto.base import Dto

OK = "ok"


class ReadinessResponseDto(Dto):
    """Each check is ``"ok"``, ``"disabled"``, or a sentence saying what is wrong."""

    database: str
    storage: str
    workers: str

    @property
    def ready(self) -> bool:
        return all(value in (OK, "disabled") for value in (self.database, self.storage, self.workers))
