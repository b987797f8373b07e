from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from albumen.db.tables.base import NOW, Base, created_at, update_id, updated_at, uuid_pk


class User(Base):
    __tablename__ = "user"
    __table_args__ = (
        Index("uq_user_email_lower", text("lower(email)"), unique=True),
        Index(
            "uq_user_storage_label",
            "storage_label",
            unique=True,
            postgresql_where=text("storage_label IS NOT NULL"),
        ),
        Index("ix_user_oauth_id", "oauth_id", unique=True, postgresql_where=text("oauth_id <> ''")),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    email: Mapped[str] = mapped_column(String, nullable=False)
    name: Mapped[str] = mapped_column(String, nullable=False, server_default="")
    password: Mapped[str] = mapped_column(String, nullable=False, server_default="")
    pin_code: Mapped[str | None] = mapped_column(String)
    is_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    should_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    avatar_color: Mapped[str | None] = mapped_column(String)
    profile_image_path: Mapped[str] = mapped_column(String, nullable=False, server_default="")
    profile_changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=NOW
    )
    storage_label: Mapped[str | None] = mapped_column(String)
    oauth_id: Mapped[str] = mapped_column(String, nullable=False, server_default="")
    quota_size_in_bytes: Mapped[int | None] = mapped_column(BigInteger)
    quota_usage_in_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    status: Mapped[str] = mapped_column(String, nullable=False, server_default="active")
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    update_id: Mapped[uuid.UUID] = update_id()


class UserMetadata(Base):
    """Per-user JSON documents keyed like Immich's ``UserMetadataKey`` (preferences, license, onboarding)."""

    __tablename__ = "user_metadata"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    update_id: Mapped[uuid.UUID] = update_id()


class Session(Base):
    __tablename__ = "session"
    __table_args__ = (
        Index("ix_session_oauth_sid", "oauth_sid", postgresql_where=text("oauth_sid IS NOT NULL")),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    token: Mapped[str] = mapped_column(String, nullable=False, unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    device_type: Mapped[str] = mapped_column(String, nullable=False, server_default="")
    device_os: Mapped[str] = mapped_column(String, nullable=False, server_default="")
    app_version: Mapped[str | None] = mapped_column(String)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pin_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    is_pending_sync_reset: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    #: The OpenID provider's session id of an OAuth login (backchannel logout names it).
    oauth_sid: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    update_id: Mapped[uuid.UUID] = update_id()


class ApiKey(Base):
    __tablename__ = "api_key"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String, nullable=False)
    key: Mapped[str] = mapped_column(String, nullable=False, unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    permissions: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    update_id: Mapped[uuid.UUID] = update_id()


__all__ = ["UUID", "ApiKey", "Session", "User", "UserMetadata"]
