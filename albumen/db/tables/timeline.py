from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, String
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
