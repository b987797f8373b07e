from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from albumen.db.tables.base import Base, created_at, update_id, updated_at, uuid_pk
from albumen.db.tables.vector import Vector


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (Index("ix_person_owner_hidden", "owner_id", "is_hidden"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String, nullable=False, server_default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    thumbnail_path: Mapped[str] = mapped_column(String, nullable=False, server_default="")
    face_asset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("asset_face.id", ondelete="SET NULL", use_alter=True)
    )
    is_hidden: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    is_favorite: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    color: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    update_id: Mapped[uuid.UUID] = update_id()


class AssetFace(Base):
    __tablename__ = "asset_face"
    __table_args__ = (
        Index(
            "ix_asset_face_unassigned",
            "id",
            postgresql_where=text(
                "person_id IS NULL AND source_type = 'machine-learning' AND deleted_at IS NULL"
            ),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    asset_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), nullable=False, index=True
    )
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    image_width: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    image_height: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    bounding_box_x1: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    bounding_box_y1: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    bounding_box_x2: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    bounding_box_y2: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    score: Mapped[float | None] = mapped_column(Float)
    source_type: Mapped[str] = mapped_column(String, nullable=False, server_default="machine-learning")
    is_visible: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    update_id: Mapped[uuid.UUID] = update_id()


class FaceSearch(Base):
    """Face embeddings; ``dim`` records the model's dimension (128 for SFace, 512 for ArcFace).

    Migration 0011 adds one HNSW index per dimension on ``(embedding::vector(<dim>)) WHERE dim = <dim>``.
    """

    __tablename__ = "face_search"

    face_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("asset_face.id", ondelete="CASCADE"), primary_key=True
    )
    dim: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    embedding: Mapped[list[float]] = mapped_column(Vector(), nullable=False)


class SmartSearch(Base):
    """CLIP image embeddings; ``dim`` records the model's dimension."""

    __tablename__ = "smart_search"

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True)
    dim: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    embedding: Mapped[list[float]] = mapped_column(Vector(), nullable=False)
