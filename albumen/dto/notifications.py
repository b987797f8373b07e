"""``Notifications`` DTOs: in-app notifications, their admin creation, email templates and test email."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from albumen.db.tables import Notification
from albumen.dto.base import Dto, OmitNoneDto, RequestDto, Timestamp


class NotificationLevel(StrEnum):
    SUCCESS = "success"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class NotificationType(StrEnum):
    JOB_FAILED = "JobFailed"
    BACKUP_FAILED = "BackupFailed"
    SYSTEM_MESSAGE = "SystemMessage"
    ALBUM_INVITE = "AlbumInvite"
    ALBUM_UPDATE = "AlbumUpdate"
    CLUSTER_GROUP_REQUEST = "ClusterGroupRequest"
    CUSTOM = "Custom"


class NotificationDto(OmitNoneDto):
    omit_when_none = frozenset({"description", "data", "readAt"})

    id: str
    createdAt: Timestamp
    level: NotificationLevel
    type: NotificationType
    title: str
    description: str | None = None
    data: dict[str, Any] | None = None
    readAt: Timestamp | None = None


def to_notification_dto(notification: Notification) -> NotificationDto:
    return NotificationDto(
        id=str(notification.id),
        createdAt=notification.created_at,
        level=NotificationLevel(notification.level),
        type=NotificationType(notification.type),
        title=notification.title,
        description=notification.description,
        data=notification.data,
        readAt=notification.read_at,
    )


class NotificationSearchDto(RequestDto):
    id: uuid.UUID | None = None
    level: NotificationLevel | None = None
    type: NotificationType | None = None
    unread: bool | None = None


class NotificationCreateDto(RequestDto):
    userId: uuid.UUID
    title: str
    description: str | None = None
    level: NotificationLevel | None = None
    type: NotificationType | None = None
    data: dict[str, Any] | None = None
    readAt: datetime | None = None


class NotificationUpdateDto(RequestDto):
    readAt: datetime | None = None


class NotificationUpdateAllDto(RequestDto):
    ids: list[uuid.UUID]
    readAt: datetime | None = None


class NotificationDeleteAllDto(RequestDto):
    ids: list[uuid.UUID]


class TemplateDto(RequestDto):
    template: str


class TemplateResponseDto(Dto):
    name: str
    html: str


class TestEmailResponseDto(Dto):
    messageId: str
