"""Asset pipeline: ``move_history`` (storage-template moves that survive a crash) and the partial
indexes the "queue all" and nightly jobs read.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    # Immich's move_history: a move is recorded before the file is renamed and removed once the row
    # points at the new path, so a crash in between is finished by the next run of the job.
    op.create_table(
        "move_history",
        sa.Column("id", postgresql.UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()")),
        sa.Column("entity_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("path_type", sa.String(), nullable=False),
        sa.Column("old_path", sa.Text(), nullable=False),
        sa.Column("new_path", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_move_history"),
    )
    op.create_index(
        "uq_move_history_entity_path_type", "move_history", ["entity_id", "path_type"], unique=True
    )
    op.create_index("uq_move_history_new_path", "move_history", ["new_path"], unique=True)
    op.create_index(
        "ix_asset_job_status_pending_metadata",
        "asset_job_status",
        ["asset_id"],
        postgresql_where=sa.text("metadata_extracted_at IS NULL"),
    )
    op.create_index(
        "ix_asset_job_status_pending_thumbnail",
        "asset_job_status",
        ["asset_id"],
        postgresql_where=sa.text("thumbnail_generated_at IS NULL"),
    )
    op.create_index(
        "ix_asset_pipeline_trashed",
        "asset",
        ["deleted_at"],
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )
    op.create_index(
        "ix_asset_pipeline_live_photo_video_id",
        "asset",
        ["live_photo_video_id"],
        postgresql_where=sa.text("live_photo_video_id IS NOT NULL"),
    )


def downgrade() -> None:
    raise NotImplementedError("Restore a backup to go back to an earlier version.")
