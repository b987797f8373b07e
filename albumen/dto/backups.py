"""DTOs of the ``Database Backups (admin)`` tag."""

from __future__ import annotations

from albumen.dto.base import Dto, RequestDto


class DatabaseBackupDto(Dto):
    filename: str
    filesize: int
    #: The server's time zone, in which the time in ``filename`` is written.
    timezone: str


class DatabaseBackupListResponseDto(Dto):
    backups: list[DatabaseBackupDto]


class DatabaseBackupDeleteDto(RequestDto):
    backups: list[str]
