"""Jobs and Queues DTOs (Immich 3.2.2 names and fields)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from albumen.dto.base import Dto, RequestDto
from albumen.jobs import JobName, QueueCommand, QueueJobStatus, QueueName, QueueState

__all__ = ["QueueCommand", "QueueJobStatus", "QueueName"]


class ManualJobName(StrEnum):
    PERSON_CLEANUP = "person-cleanup"
    TAG_CLEANUP = "tag-cleanup"
    USER_CLEANUP = "user-cleanup"
    MEMORY_CLEANUP = "memory-cleanup"
    MEMORY_CREATE = "memory-create"
    BACKUP_DATABASE = "backup-database"
    INTEGRITY_MISSING_FILES = "integrity-missing-files"
    INTEGRITY_UNTRACKED_FILES = "integrity-untracked-files"
    INTEGRITY_CHECKSUM_MISMATCH = "integrity-checksum-mismatch"
    INTEGRITY_MISSING_FILES_REFRESH = "integrity-missing-files-refresh"
    INTEGRITY_UNTRACKED_FILES_REFRESH = "integrity-untracked-files-refresh"
    INTEGRITY_CHECKSUM_MISMATCH_REFRESH = "integrity-checksum-mismatch-refresh"
    INTEGRITY_MISSING_FILES_DELETE_ALL = "integrity-missing-files-delete-all"
    INTEGRITY_UNTRACKED_FILES_DELETE_ALL = "integrity-untracked-files-delete-all"
    INTEGRITY_CHECKSUM_MISMATCH_DELETE_ALL = "integrity-checksum-mismatch-delete-all"


class AssetJobName(StrEnum):
    REFRESH_FACES = "refresh-faces"
    REFRESH_METADATA = "refresh-metadata"
    REGENERATE_THUMBNAIL = "regenerate-thumbnail"
    TRANSCODE_VIDEO = "transcode-video"


class QueueStatisticsDto(Dto):
    active: int
    completed: int
    delayed: int
    failed: int
    paused: int
    waiting: int


class QueueStatusLegacyDto(Dto):
    isActive: bool
    isPaused: bool


class QueueResponseLegacyDto(Dto):
    jobCounts: QueueStatisticsDto
    queueStatus: QueueStatusLegacyDto


class QueuesResponseLegacyDto(Dto):
    thumbnailGeneration: QueueResponseLegacyDto
    metadataExtraction: QueueResponseLegacyDto
    videoConversion: QueueResponseLegacyDto
    faceDetection: QueueResponseLegacyDto
    facialRecognition: QueueResponseLegacyDto
    smartSearch: QueueResponseLegacyDto
    duplicateDetection: QueueResponseLegacyDto
    backgroundTask: QueueResponseLegacyDto
    storageTemplateMigration: QueueResponseLegacyDto
    migration: QueueResponseLegacyDto
    search: QueueResponseLegacyDto
    sidecar: QueueResponseLegacyDto
    library: QueueResponseLegacyDto
    notifications: QueueResponseLegacyDto
    backupDatabase: QueueResponseLegacyDto
    ocr: QueueResponseLegacyDto
    workflow: QueueResponseLegacyDto
    integrityCheck: QueueResponseLegacyDto
    editor: QueueResponseLegacyDto


class QueueResponseDto(Dto):
    name: QueueName
    isPaused: bool
    statistics: QueueStatisticsDto


class QueueJobResponseDto(Dto):
    id: str | None = None
    name: JobName
    data: dict[str, Any]
    timestamp: int


class QueueCommandDto(RequestDto):
    command: QueueCommand
    force: bool | None = None


class JobCreateDto(RequestDto):
    name: ManualJobName


class QueueUpdateDto(RequestDto):
    isPaused: bool | None = None


class QueueDeleteDto(RequestDto):
    failed: bool | None = None


class AssetJobsDto(RequestDto):
    assetIds: list[uuid.UUID]
    name: AssetJobName


def to_statistics_dto(state: QueueState) -> QueueStatisticsDto:
    return QueueStatisticsDto.model_validate(state.statistics.as_dict())


def to_queue_legacy_dto(state: QueueState) -> QueueResponseLegacyDto:
    return QueueResponseLegacyDto(
        jobCounts=to_statistics_dto(state),
        queueStatus=QueueStatusLegacyDto(isActive=state.is_active, isPaused=state.is_paused),
    )


def to_queue_dto(state: QueueState) -> QueueResponseDto:
    return QueueResponseDto(name=state.name, isPaused=state.is_paused, statistics=to_statistics_dto(state))
