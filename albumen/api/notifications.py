"""The ``Notifications`` tag: the caller's in-app notifications."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from albumen.api.deps import DbSession, authenticated
from albumen.dto.notifications import (
    NotificationDeleteAllDto,
    NotificationDto,
    NotificationSearchDto,
    NotificationUpdateAllDto,
    NotificationUpdateDto,
)
from albumen.permissions import Permission
from albumen.services import notifications
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/notifications", tags=["Notifications"])


@router.get("")
async def get_notifications(
    dto: Annotated[NotificationSearchDto, Query()],
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.NOTIFICATION_READ)],
) -> list[NotificationDto]:
    return await notifications.search(db, auth, dto)


@router.put("", status_code=status.HTTP_204_NO_CONTENT)
async def update_notifications(
    dto: NotificationUpdateAllDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.NOTIFICATION_UPDATE)],
) -> None:
    await notifications.update_all(db, auth, dto)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
async def delete_notifications(
    dto: NotificationDeleteAllDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.NOTIFICATION_DELETE)],
) -> None:
    await notifications.delete_all(db, auth, dto)


@router.get("/{id}")
async def get_notification(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.NOTIFICATION_READ)]
) -> NotificationDto:
    return await notifications.get(db, auth, id)


@router.put("/{id}")
async def update_notification(
    id: uuid.UUID,
    dto: NotificationUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.NOTIFICATION_UPDATE)],
) -> NotificationDto:
    return await notifications.update(db, auth, id, dto)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_notification(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.NOTIFICATION_DELETE)]
) -> None:
    await notifications.delete(db, auth, id)
