from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from albumen.db.tables.base import Base, created_at, updated_at, uuid_pk


class SystemMetadata(Base):
    """Server-wide JSON documents: the admin config, onboarding, version history, flags."""

    __tablename__ = "system_metadata"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[Any] = mapped_column(JSONB, nullable=False)


class Library(Base):
    __tablename__ = "library"

    id: Mapped[uuid.UUID] = uuid_pk()
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String, nullable=False)
    import_paths: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    exclusion_patterns: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SessionSyncCheckpoint(Base):
    """The last acknowledged ``type|updateId[|extra]`` per sync entity type and session."""

    __tablename__ = "session_sync_checkpoint"

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), primary_key=True
    )
    type: Mapped[str] = mapped_column(String, primary_key=True)
    ack: Mapped[str] = mapped_column(String, nullable=False)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


__all__ = ["Library", "SessionSyncCheckpoint", "SystemMetadata", "uuid_pk"]
