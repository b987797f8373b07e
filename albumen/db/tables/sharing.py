from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from albumen.db.tables.base import Base, create_id, created_at, update_id, updated_at, uuid_pk


class Partner(Base):
    __tablename__ = "partner"

    shared_by_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    shared_with_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    in_timeline: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    update_id: Mapped[uuid.UUID] = update_id()
    #: Migration 0008: when the share began (UUIDv7, never renewed); orders the sync stream's backfill.
    create_id: Mapped[uuid.UUID] = create_id()


class SharedLink(Base):
    __tablename__ = "shared_link"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, unique=True)
    type: Mapped[str] = mapped_column(String, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    password: Mapped[str | None] = mapped_column(String)
    slug: Mapped[str | None] = mapped_column(String, unique=True)
    album_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("album.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    allow_upload: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    allow_download: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    show_exif: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    created_at: Mapped[datetime] = created_at()


class SharedLinkAsset(Base):
    __tablename__ = "shared_link_asset"

    shared_link_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shared_link.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Activity(Base):
    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint(
            "(comment IS NULL AND is_liked) OR (comment IS NOT NULL AND NOT is_liked)",
            name="like_or_comment",
        ),
        Index(
            "ix_activity_like_once",
            "album_id",
            "asset_id",
            "user_id",
            unique=True,
            postgresql_where=text("is_liked"),
            postgresql_nulls_not_distinct=True,
        ),
        Index("ix_activity_album_id_asset_id", "album_id", "asset_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    album_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("album.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"))
    comment: Mapped[str | None] = mapped_column(Text)
    is_liked: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class Memory(Base):
    __tablename__ = "memory"
    __table_args__ = (
        Index(
            "ix_memory_owner_memory_at",
            "owner_id",
            text("memory_at DESC"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    type: Mapped[str] = mapped_column(String, nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    is_saved: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    memory_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    show_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hide_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    update_id: Mapped[uuid.UUID] = update_id()


class MemoryAsset(Base):
    __tablename__ = "memory_asset"

    memory_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("memory.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    update_id: Mapped[uuid.UUID] = update_id()


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (
        Index(
            "ix_notification_user_created_at",
            "user_id",
            text("created_at DESC"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    level: Mapped[str] = mapped_column(String, nullable=False, server_default="info")
    type: Mapped[str] = mapped_column(String, nullable=False, server_default="Custom")
    title: Mapped[str] = mapped_column(String, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
