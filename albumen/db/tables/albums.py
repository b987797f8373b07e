from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from albumen.db.tables.base import Base, create_id, created_at, update_id, updated_at, uuid_pk


class Album(Base):
    __tablename__ = "album"

    id: Mapped[uuid.UUID] = uuid_pk()
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String, nullable=False, server_default="Untitled Album")
    description: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    thumbnail_asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("asset.id", ondelete="SET NULL"))
    is_activity_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    order: Mapped[str] = mapped_column(String, nullable=False, server_default="desc")
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    update_id: Mapped[uuid.UUID] = update_id()


class AlbumUser(Base):
    __tablename__ = "album_user"

    album_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("album.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String, nullable=False, server_default="editor")
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    update_id: Mapped[uuid.UUID] = update_id()
    #: Migration 0008: when the user joined the album (UUIDv7, never renewed); orders sync backfill.
    create_id: Mapped[uuid.UUID] = create_id()


class AlbumAsset(Base):
    __tablename__ = "album_asset"

    album_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("album.id", ondelete="CASCADE"), primary_key=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    update_id: Mapped[uuid.UUID] = update_id()
