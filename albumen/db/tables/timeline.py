from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, String, Text, text
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


class AssetMapMarker(Base):
    """One row per located asset: the asset's filter columns and its ``MapMarkerResponseDto`` JSON.

    Kept by statement triggers on ``asset_exif`` and ``asset`` (migration 0013), so the map reads one
    table and concatenates ready JSON instead of joining and serialising tens of thousands of rows.
    """

    __tablename__ = "asset_map_marker"
    __table_args__ = (
        Index("ix_asset_map_marker_owner", "owner_id", "visibility", postgresql_where=text("NOT is_trashed")),
    )

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    visibility: Mapped[str] = mapped_column(String, nullable=False)
    is_favorite: Mapped[bool] = mapped_column(Boolean, nullable=False)
    is_trashed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    file_created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    marker: Mapped[str] = mapped_column(Text, nullable=False)
