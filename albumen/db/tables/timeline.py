from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from albumen.db.tables.base import Base


class AssetMonthCount(Base):
    """How many assets each owner has per month of ``local_date_time`` and per listing filter.

    Kept by statement triggers on ``asset`` (migration 0003), so timeline buckets and statistics are
    sums over a few hundred rows instead of counts over the whole library. ``count`` may reach 0;
    readers skip empty groups. No foreign key to ``user``: deleting a user cascades to its assets,
    whose trigger still writes here.
    """

    __tablename__ = "asset_month_count"

    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    visibility: Mapped[str] = mapped_column(String, primary_key=True)
    is_favorite: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    is_trashed: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    is_stacked: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    type: Mapped[str] = mapped_column(String, primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, nullable=False)
    #: Of the stacked assets counted, those that are their stack's primary (migration 0014): a
    #: ``withStacked`` timeline shows each stack as its primary asset.
    primaries: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default=text("0"))


class AssetMapMarker(Base):
    """One row per located asset: the asset's filter columns and its ``MapMarkerResponseDto`` JSON.

    Kept by statement triggers on ``asset_exif`` and ``asset`` (migration 0013), so the map reads one
    table and concatenates ready JSON instead of joining and serialising tens of thousands of rows.
    """

    __tablename__ = "asset_map_marker"
    __table_args__ = (
        Index(
            "ix_asset_map_marker_owner",
            "owner_id",
            "visibility",
            postgresql_include=["is_favorite", "file_created_at", "version"],
            postgresql_where=text("NOT is_trashed"),
        ),
    )

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    visibility: Mapped[str] = mapped_column(String, nullable=False)
    is_favorite: Mapped[bool] = mapped_column(Boolean, nullable=False)
    is_trashed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    file_created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    marker: Mapped[str] = mapped_column(Text, nullable=False)
    #: Renewed on every write of the row (migration 0013): see ``MapRepository.markers_json``.
    version: Mapped[int] = mapped_column(
        BigInteger, nullable=False, server_default=text("nextval('asset_map_marker_version_seq')")
    )


class AssetTimeline(Base):
    """One row per asset: the columns the timeline filters on (as in ``asset``) and its values there,
    formatted ahead (``TimeBucketAssetResponseDto``).

    Kept by statement triggers on ``asset`` and ``asset_exif`` (migration 0014), so a month's bucket
    reads one table instead of joining EXIF and formatting thousands of values per request.
    """

    __tablename__ = "asset_timeline"
    __table_args__ = (
        Index(
            "ix_asset_timeline_owner_local_date_time",
            "owner_id",
            "local_date_time",
            postgresql_include=[
                "id",
                "visibility",
                "is_favorite",
                "deleted_at",
                "status",
                "stack_id",
                "type",
                "file_created_at",
                "created_at",
                "live_photo_video_id",
                "duration_ms",
                "thumbhash",
                "created_at_text",
                "file_created_at_text",
                "local_offset_hours",
                "ratio",
                "projection_type",
                "city",
                "country",
                "latitude",
                "longitude",
            ],
        ),
        Index("ix_asset_timeline_owner_created_at", "owner_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    visibility: Mapped[str] = mapped_column(String, nullable=False)
    is_favorite: Mapped[bool] = mapped_column(Boolean, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String, nullable=False)
    stack_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    type: Mapped[str] = mapped_column(String, nullable=False)
    local_date_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    file_created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    live_photo_video_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    thumbhash: Mapped[str | None] = mapped_column(Text)
    created_at_text: Mapped[str] = mapped_column(Text, nullable=False)
    file_created_at_text: Mapped[str] = mapped_column(Text, nullable=False)
    local_offset_hours: Mapped[float] = mapped_column(Float, nullable=False)
    ratio: Mapped[float] = mapped_column(Float, nullable=False)
    projection_type: Mapped[str | None] = mapped_column(String)
    city: Mapped[str | None] = mapped_column(String)
    country: Mapped[str | None] = mapped_column(String)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
