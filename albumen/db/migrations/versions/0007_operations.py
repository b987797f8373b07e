"""operations: ``integrity_report`` and ``worker_heartbeat``

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "integrity_report",
        sa.Column(
            "id", postgresql.UUID(as_uuid=True), server_default=sa.text("albumen_uuid_v7()"), nullable=False
        ),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("asset_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("file_asset_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "type IN ('untracked_file', 'missing_file', 'checksum_mismatch')", name="ck_integrity_report_type"
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name="fk_integrity_report_asset_id_asset", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["file_asset_id"],
            ["asset_file.id"],
            name="fk_integrity_report_file_asset_id_asset_file",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_integrity_report"),
    )
    op.create_index("uq_integrity_report_type_path", "integrity_report", ["type", "path"], unique=True)
    op.create_index("ix_integrity_report_asset_id", "integrity_report", ["asset_id"])
    op.create_index("ix_integrity_report_file_asset_id", "integrity_report", ["file_asset_id"])
    op.create_table(
        "worker_heartbeat",
        sa.Column("worker_id", sa.String(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name="pk_worker_heartbeat"),
    )


def downgrade() -> None:
    raise NotImplementedError("Restore a backup to go back to an earlier version.")
