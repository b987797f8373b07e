"""``move_history`` (files being moved by the storage template) and the asset pipeline's indexes."""

from __future__ import annotations

import uuid

from sqlalchemy import Index, String, Text, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from albumen.db.tables.assets import Asset, AssetJobStatus
from albumen.db.tables.base import Base, uuid_pk


class MoveHistory(Base):
    """A file move in progress: written before the rename, deleted once the row has the new path."""

    __tablename__ = "move_history"
    __table_args__ = (
        Index("uq_move_history_entity_path_type", "entity_id", "path_type", unique=True),
        Index("uq_move_history_new_path", "new_path", unique=True),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    entity_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    path_type: Mapped[str] = mapped_column(String, nullable=False)
    old_path: Mapped[str] = mapped_column(Text, nullable=False)
    new_path: Mapped[str] = mapped_column(Text, nullable=False)


# Partial indexes of migration 0005, declared here so the model matches the schema.
Index(
    "ix_asset_job_status_pending_metadata",
    AssetJobStatus.asset_id,
    postgresql_where=text("metadata_extracted_at IS NULL"),
)
Index(
    "ix_asset_job_status_pending_thumbnail",
    AssetJobStatus.asset_id,
    postgresql_where=text("thumbnail_generated_at IS NULL"),
)
Index("ix_asset_pipeline_trashed", Asset.deleted_at, postgresql_where=text("deleted_at IS NOT NULL"))
Index(
    "ix_asset_pipeline_live_photo_video_id",
    Asset.live_photo_video_id,
    postgresql_where=text("live_photo_video_id IS NOT NULL"),
)
