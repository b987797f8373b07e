"""Operations: integrity reports (files that are missing, untracked or corrupt) and worker heartbeats."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from albumen.db.tables.base import NOW, UUID_V7, Base, created_at

#: Immich's ``IntegrityReport`` enum values.
INTEGRITY_REPORT_TYPES = ("untracked_file", "missing_file", "checksum_mismatch")


class IntegrityReport(Base):
    """One finding; ``path`` is a storage key. A missing or corrupt file points at the row it belongs to
    (the asset for its original, the asset file for a thumbnail), so deleting that row drops the report."""

    __tablename__ = "integrity_report"
    __table_args__ = (
        CheckConstraint("type IN ('untracked_file', 'missing_file', 'checksum_mismatch')", name="type"),
        Index("uq_integrity_report_type_path", "type", "path", unique=True),
    )

    # UUIDv7: ordered by creation, which is the report listing's cursor order.
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, server_default=UUID_V7)
    type: Mapped[str] = mapped_column(String, nullable=False)
    path: Mapped[str] = mapped_column(Text, nullable=False)
    asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), index=True)
    file_asset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("asset_file.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = created_at()


class WorkerHeartbeat(Base):
    """One row per running job worker, renewed every few seconds; readiness looks at the newest."""

    __tablename__ = "worker_heartbeat"

    worker_id: Mapped[str] = mapped_column(String, primary_key=True)
    started_at: Mapped[datetime] = created_at()
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=NOW)


__all__ = ["INTEGRITY_REPORT_TYPES", "IntegrityReport", "WorkerHeartbeat"]
