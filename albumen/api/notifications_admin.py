"""The ``Notifications (admin)`` tag: notifications for any user, email template previews, test email."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from albumen.api.deps import DbSession, State, authenticated
from albumen.dto.config_admin import AdminConfigSmtpDto
from albumen.dto.notifications import (
    NotificationCreateDto,
    NotificationDto,
    TemplateDto,
    TemplateResponseDto,
    TestEmailResponseDto,
)
from albumen.services import notifications
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/admin/notifications", tags=["Notifications (admin)"])

Admin = Annotated[AuthContext, authenticated(admin=True)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_notification(dto: NotificationCreateDto, db: DbSession, auth: Admin) -> NotificationDto:
    return await notifications.create(db, dto)


@router.post("/templates/{name}")
async def get_notification_template_admin(
    name: str, dto: TemplateDto, db: DbSession, state: State, auth: Admin
) -> TemplateResponseDto:
    return await notifications.get_template(db, state.settings, name, dto.template)


@router.post("/test-email")
async def send_test_email_admin(
    dto: AdminConfigSmtpDto, db: DbSession, state: State, auth: Admin
) -> TestEmailResponseDto:
    return await notifications.send_test_email(db, state.settings, auth, dto)
