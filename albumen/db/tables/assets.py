from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from albumen.db.tables.base import NOW, UUID_V7, Base, created_at, update_id, updated_at, uuid_pk


class Asset(Base):
    __tablename__ = "asset"
    __table_args__ = (
        # Dedupe per owner on SHA-1 (uploads); external-library assets are unique per library and path.
        Index(
            "uq_asset_owner_checksum",
            "owner_id",
            "checksum",
            unique=True,
            postgresql_where=text("library_id IS NULL"),
        ),
        Index(
            "uq_asset_library_path",
            "library_id",
            "original_path",
            unique=True,
            postgresql_where=text("library_id IS NOT NULL"),
        ),
        Index("ix_asset_owner_local_date_time", "owner_id", text("local_date_time DESC")),
        # Migration 0006: partial indexes for stacks, live photo motion parts and the trash.
        Index("ix_asset_stack_id", "stack_id", postgresql_where=text("stack_id IS NOT NULL")),
        Index(
            "ix_asset_live_photo_video_id",
            "live_photo_video_id",
            postgresql_where=text("live_photo_video_id IS NOT NULL"),
        ),
        Index(
            "ix_asset_trashed_owner", "owner_id", "status", postgresql_where=text("deleted_at IS NOT NULL")
        ),
        Index("ix_asset_trashed_deleted_at", "deleted_at", postgresql_where=text("deleted_at IS NOT NULL")),
        # Migration 0012: an owner's duplicate groups, without touching the assets that are in none.
        Index(
            "ix_asset_owner_duplicate_id",
            "owner_id",
            "duplicate_id",
            postgresql_where=text("duplicate_id IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    library_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("library.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String, nullable=False)
    status: Mapped[str] = mapped_column(String, nullable=False, server_default="active")
    original_path: Mapped[str] = mapped_column(Text, nullable=False)
    original_file_name: Mapped[str] = mapped_column(Text, nullable=False)
    checksum: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, index=True)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    file_created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    file_modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    local_date_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    is_favorite: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    visibility: Mapped[str] = mapped_column(String, nullable=False, server_default="timeline")
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    live_photo_video_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("asset.id", ondelete="SET NULL"))
    stack_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("stack.id", ondelete="SET NULL", use_alter=True)
    )
    duplicate_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    thumbhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    encoded_video_path: Mapped[str | None] = mapped_column(Text)
    sidecar_path: Mapped[str | None] = mapped_column(Text)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    is_offline: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    is_external: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    is_edited: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    update_id: Mapped[uuid.UUID] = update_id()


class AssetExif(Base):
    __tablename__ = "asset_exif"

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True)
    make: Mapped[str | None] = mapped_column(String)
    model: Mapped[str | None] = mapped_column(String)
    lens_model: Mapped[str | None] = mapped_column(String)
    exif_image_width: Mapped[int | None] = mapped_column(Integer)
    exif_image_height: Mapped[int | None] = mapped_column(Integer)
    file_size_in_byte: Mapped[int | None] = mapped_column(BigInteger)
    orientation: Mapped[str | None] = mapped_column(String)
    date_time_original: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    modify_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    time_zone: Mapped[str | None] = mapped_column(String)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    projection_type: Mapped[str | None] = mapped_column(String)
    city: Mapped[str | None] = mapped_column(String, index=True)
    state: Mapped[str | None] = mapped_column(String)
    country: Mapped[str | None] = mapped_column(String)
    description: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    f_number: Mapped[float | None] = mapped_column(Float)
    focal_length: Mapped[float | None] = mapped_column(Float)
    iso: Mapped[int | None] = mapped_column(Integer)
    exposure_time: Mapped[str | None] = mapped_column(String)
    profile_description: Mapped[str | None] = mapped_column(String)
    colorspace: Mapped[str | None] = mapped_column(String)
    bits_per_sample: Mapped[int | None] = mapped_column(Integer)
    auto_stack_id: Mapped[str | None] = mapped_column(String)
    live_photo_cid: Mapped[str | None] = mapped_column(String, index=True)
    fps: Mapped[float | None] = mapped_column(Float)
    rating: Mapped[int | None] = mapped_column(Integer)
    tags: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    locked_properties: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    updated_at: Mapped[datetime] = updated_at()
    update_id: Mapped[uuid.UUID] = update_id()


class AssetFile(Base):
    """Derived files: thumbnail, preview, fullsize, encoded video, sidecar."""

    __tablename__ = "asset_file"
    __table_args__ = (Index("uq_asset_file_asset_type_edited", "asset_id", "type", "is_edited", unique=True),)

    id: Mapped[uuid.UUID] = uuid_pk()
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), nullable=False)
    type: Mapped[str] = mapped_column(String, nullable=False)
    path: Mapped[str] = mapped_column(Text, nullable=False)
    is_edited: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    is_progressive: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    is_transparent: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    update_id: Mapped[uuid.UUID] = update_id()


class AssetJobStatus(Base):
    """When each processing step last succeeded for an asset, and why it failed if it did."""

    __tablename__ = "asset_job_status"

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True)
    metadata_extracted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    thumbnail_generated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    video_encoded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duplicates_detected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    faces_recognized_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ocr_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    smart_search_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_step: Mapped[str | None] = mapped_column(String)
    failure_reason: Mapped[str | None] = mapped_column(Text)


class AssetMetadata(Base):
    __tablename__ = "asset_metadata"

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    updated_at: Mapped[datetime] = updated_at()
    update_id: Mapped[uuid.UUID] = update_id()


class AssetOcr(Base):
    __tablename__ = "asset_ocr"

    id: Mapped[uuid.UUID] = uuid_pk()
    asset_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), nullable=False, index=True
    )
    x1: Mapped[float] = mapped_column(Float, nullable=False)
    y1: Mapped[float] = mapped_column(Float, nullable=False)
    x2: Mapped[float] = mapped_column(Float, nullable=False)
    y2: Mapped[float] = mapped_column(Float, nullable=False)
    x3: Mapped[float] = mapped_column(Float, nullable=False)
    y3: Mapped[float] = mapped_column(Float, nullable=False)
    x4: Mapped[float] = mapped_column(Float, nullable=False)
    y4: Mapped[float] = mapped_column(Float, nullable=False)
    box_score: Mapped[float] = mapped_column(Float, nullable=False)
    text_score: Mapped[float] = mapped_column(Float, nullable=False)
    is_visible: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    text: Mapped[str] = mapped_column(Text, nullable=False)
    update_id: Mapped[uuid.UUID] = update_id()


class AssetEdit(Base):
    __tablename__ = "asset_edit"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, server_default=UUID_V7)
    asset_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), nullable=False, index=True
    )
    action: Mapped[str] = mapped_column(String, nullable=False)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=NOW)
    update_id: Mapped[uuid.UUID] = update_id()
