"""In-app notifications (the bell in the web client), album invitation notices, and admin email tools."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.db.repositories.albums import AlbumRepository
from albumen.db.repositories.notifications import NotificationRepository
from albumen.db.repositories.users import UserRepository
from albumen.dto.config_admin import AdminConfig, AdminConfigSmtpDto
from albumen.dto.notifications import (
    NotificationCreateDto,
    NotificationDeleteAllDto,
    NotificationDto,
    NotificationLevel,
    NotificationSearchDto,
    NotificationType,
    NotificationUpdateAllDto,
    NotificationUpdateDto,
    TemplateResponseDto,
    TestEmailResponseDto,
    to_notification_dto,
)
from albumen.jobs import JobContext, JobName, JobRegistry, RetryPolicy, ScheduledJob, daily_at, enqueue
from albumen.permissions import Permission
from albumen.services import email, system_config
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError
from albumen.services.events import emit
from albumen.services.pipeline.context import Pipeline
from albumen.services.user_preferences import get_preferences

logger = logging.getLogger(__name__)

ON_NOTIFICATION = "on_notification"
#: Read notifications, and deleted ones, are dropped by the nightly cleanup after this long.
RETENTION = timedelta(days=15)


async def search(db: AsyncSession, auth: AuthContext, dto: NotificationSearchDto) -> list[NotificationDto]:
    found = await NotificationRepository(db).search(
        auth.user_id,
        notification_id=dto.id,
        level=dto.level.value if dto.level else None,
        type_=dto.type.value if dto.type else None,
        unread=dto.unread,
    )
    return [to_notification_dto(item) for item in found]


async def get(db: AsyncSession, auth: AuthContext, notification_id: uuid.UUID) -> NotificationDto:
    await _require_owned(db, auth, Permission.NOTIFICATION_READ, [notification_id])
    item = await NotificationRepository(db).get(notification_id)
    if item is None:
        raise BadRequestError("Notification not found")
    return to_notification_dto(item)


async def update(
    db: AsyncSession, auth: AuthContext, notification_id: uuid.UUID, dto: NotificationUpdateDto
) -> NotificationDto:
    """``readAt`` marks it read (a time) or unread (``null``); leaving it out changes nothing."""
    await _require_owned(db, auth, Permission.NOTIFICATION_UPDATE, [notification_id])
    repository = NotificationRepository(db)
    if "readAt" in dto.model_fields_set:
        await repository.set_read_at([notification_id], dto.readAt)
        await db.commit()
    item = await repository.get(notification_id)
    if item is None:
        raise BadRequestError("Notification not found")
    return to_notification_dto(item)


async def update_all(db: AsyncSession, auth: AuthContext, dto: NotificationUpdateAllDto) -> None:
    await _require_owned(db, auth, Permission.NOTIFICATION_UPDATE, dto.ids)
    if "readAt" in dto.model_fields_set and dto.ids:
        await NotificationRepository(db).set_read_at(dto.ids, dto.readAt)
        await db.commit()


async def delete(db: AsyncSession, auth: AuthContext, notification_id: uuid.UUID) -> None:
    await delete_all(db, auth, NotificationDeleteAllDto(ids=[notification_id]))


async def delete_all(db: AsyncSession, auth: AuthContext, dto: NotificationDeleteAllDto) -> None:
    await _require_owned(db, auth, Permission.NOTIFICATION_DELETE, dto.ids)
    if dto.ids:
        await NotificationRepository(db).soft_delete(dto.ids)
        await db.commit()


async def create(db: AsyncSession, dto: NotificationCreateDto) -> NotificationDto:
    """Admin: a notification for any user (``Custom``/``info`` unless given)."""
    if await UserRepository(db).get(dto.userId) is None:
        raise BadRequestError("User not found")
    item = await NotificationRepository(db).create(
        user_id=dto.userId,
        type=(dto.type or NotificationType.CUSTOM).value,
        level=(dto.level or NotificationLevel.INFO).value,
        title=dto.title,
        description=dto.description,
        data=dto.data,
        read_at=dto.readAt,
    )
    notification = to_notification_dto(item)
    await emit(db, ON_NOTIFICATION, [dto.userId], notification.model_dump(mode="json"))
    await db.commit()
    return notification


async def notify_album_invite(
    db: AsyncSession, *, album_id: uuid.UUID, album_name: str, sender_name: str, user_ids: Sequence[uuid.UUID]
) -> None:
    """Tell users they were added to an album: an in-app notification now, an email from the queue.

    Runs inside the caller's transaction; nothing is sent when it rolls back.
    """
    if not user_ids:
        return
    items = await NotificationRepository(db).create_many(
        [
            {
                "user_id": user_id,
                "type": NotificationType.ALBUM_INVITE.value,
                "level": NotificationLevel.SUCCESS.value,
                "title": "Shared Album Invitation",
                "description": f"{sender_name} shared an album ({album_name}) with you",
                "data": {"albumId": str(album_id)},
            }
            for user_id in user_ids
        ]
    )
    for item in items:
        await emit(db, ON_NOTIFICATION, [item.user_id], to_notification_dto(item).model_dump(mode="json"))
        await enqueue(
            db, JobName.NOTIFY_ALBUM_INVITE, {"id": str(album_id), "recipientId": str(item.user_id)}
        )


async def send_test_email(
    db: AsyncSession, settings: Settings, auth: AuthContext, dto: AdminConfigSmtpDto
) -> TestEmailResponseDto:
    """Verify ``dto``'s SMTP server and send the caller a test email through it."""
    try:
        await email.verify(dto.transport)
    except email.SmtpError as error:
        logger.warning("SMTP verification failed: %s", error)
        raise BadRequestError("Failed to verify SMTP configuration") from error
    config = await system_config.get_config(db, settings)
    body = email.render(
        email.EmailTemplate.TEST_EMAIL,
        {"displayName": auth.user.name, "baseUrl": email.base_url(config.server.externalDomain)},
    )
    outgoing = email.OutgoingEmail(
        to=auth.user.email,
        subject="Test email from Immich",
        body=body,
        sender=dto.from_,
        reply_to=dto.replyTo or dto.from_,
    )
    try:
        message_id = await email.send(dto.transport, outgoing)
    except email.SmtpError as error:
        raise BadRequestError(f"Failed to send test email: {error}") from error
    return TestEmailResponseDto(messageId=message_id)


async def get_template(
    db: AsyncSession, settings: Settings, name: str, custom_template: str
) -> TemplateResponseDto:
    """Preview a template with sample values; an unknown name renders as empty, as in Immich."""
    config = await system_config.get_config(db, settings)
    try:
        template = email.EmailTemplate(name)
    except ValueError:
        return TemplateResponseDto(name=name, html="")
    stored = {
        email.EmailTemplate.WELCOME: config.templates.email.welcomeTemplate,
        email.EmailTemplate.ALBUM_INVITE: config.templates.email.albumInviteTemplate,
        email.EmailTemplate.ALBUM_UPDATE: config.templates.email.albumUpdateTemplate,
    }.get(template, "")
    values = {**email.PREVIEW_VALUES[template], "baseUrl": email.base_url(config.server.externalDomain)}
    return TemplateResponseDto(name=name, html=email.render(template, values, custom_template or stored).html)


async def send_album_invite_email(
    database: Database, settings: Settings, album_id: uuid.UUID, recipient_id: uuid.UUID
) -> None:
    """The ``NotifyAlbumInvite`` job: email the new member when SMTP is on and they want such mail."""
    async with database.session() as db:
        config = await system_config.get_config(db, settings)
        smtp = config.notifications.smtp
        album = await AlbumRepository(db).get(album_id)
        users = UserRepository(db)
        recipient = await users.get(recipient_id)
        if not smtp.enabled or album is None or recipient is None:
            return
        preferences = (await get_preferences(db, recipient_id)).emailNotifications
        if not preferences.enabled or not preferences.albumInvite:
            return
        owner = await users.get(album.owner_id)
        body = email.render(
            email.EmailTemplate.ALBUM_INVITE,
            {
                "baseUrl": email.base_url(config.server.externalDomain),
                "albumId": str(album.id),
                "albumName": album.name,
                "senderName": owner.name if owner is not None else "",
                "recipientName": recipient.name,
            },
            config.templates.email.albumInviteTemplate,
        )
    outgoing = email.OutgoingEmail(
        to=recipient.email,
        subject=f"You have been added to a shared album - {album.name}",
        body=body,
        sender=smtp.from_,
        reply_to=smtp.replyTo or smtp.from_,
    )
    await email.send(smtp.transport, outgoing)


async def cleanup(database: Database) -> None:
    """The ``NotificationsCleanup`` job."""
    cutoff = datetime.now(UTC) - RETENTION
    async with database.session() as db, db.begin():
        await NotificationRepository(db).cleanup(read_before=cutoff, deleted_before=cutoff)


async def _require_owned(
    db: AsyncSession, auth: AuthContext, permission: Permission, ids: Sequence[uuid.UUID]
) -> None:
    wanted = set(ids)
    if wanted - await NotificationRepository(db).owned_ids(auth.user_id, list(wanted)):
        raise BadRequestError(f"Not found or no {permission.value} access")


def notification_jobs(pipeline: Pipeline) -> JobRegistry:
    """The ``FEATURE_REGISTRIES`` factory of :mod:`albumen.services.pipeline.registry`."""
    registry = JobRegistry()
    settings = pipeline.settings

    async def album_invite(ctx: JobContext) -> None:
        await send_album_invite_email(
            ctx.database, settings, uuid.UUID(str(ctx.data["id"])), uuid.UUID(str(ctx.data["recipientId"]))
        )

    async def notifications_cleanup(ctx: JobContext) -> None:
        await cleanup(ctx.database)

    registry.register(JobName.NOTIFY_ALBUM_INVITE, album_invite, retry=RetryPolicy(max_attempts=3))
    registry.register(JobName.NOTIFICATIONS_CLEANUP, notifications_cleanup, retry=RetryPolicy(max_attempts=1))
    return registry


def notification_schedule(config: Callable[[], AdminConfig | None]) -> list[ScheduledJob]:
    """``NotificationsCleanup`` with the nightly tasks, as Immich runs it (``FEATURE_SCHEDULES``)."""

    def expression() -> str | None:
        current = config()
        if current is None or not current.nightlyTasks.databaseCleanup:
            return None
        return daily_at(current.nightlyTasks.startTime)

    name = f"nightly:{JobName.NOTIFICATIONS_CLEANUP}"
    return [ScheduledJob(name, expression, JobName.NOTIFICATIONS_CLEANUP, {}, dedupe_key=name)]
