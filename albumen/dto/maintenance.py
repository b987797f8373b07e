"""DTOs of the ``Maintenance (admin)`` tag's maintenance-mode operations."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from albumen.dto.base import Dto, OmitNoneDto, RequestDto
from albumen.storage.base import StorageFolder


class MaintenanceAction(StrEnum):
    START = "start"
    END = "end"
    SELECT_DATABASE_RESTORE = "select_database_restore"
    RESTORE_DATABASE = "restore_database"


class SetMaintenanceModeDto(RequestDto):
    action: MaintenanceAction
    restoreBackupFilename: str | None = None


class MaintenanceLoginDto(RequestDto):
    token: str | None = None


class MaintenanceAuthDto(Dto):
    username: str


class MaintenanceStatusResponseDto(OmitNoneDto):
    omit_when_none: ClassVar[frozenset[str]] = frozenset({"progress", "task", "error"})

    active: bool
    action: MaintenanceAction
    progress: float | None = None
    task: str | None = None
    error: str | None = None


class MaintenanceDetectInstallStorageFolderDto(Dto):
    folder: StorageFolder
    readable: bool
    writable: bool
    files: int


class MaintenanceDetectInstallResponseDto(Dto):
    storage: list[MaintenanceDetectInstallStorageFolderDto]
