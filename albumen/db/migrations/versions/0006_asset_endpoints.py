"""Asset endpoints: ``asset_file.is_transparent`` and the indexes trash, stacks, live photos and tags use.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    # AssetFileResponseDto (3.2.2) reports whether a derived image keeps an alpha channel.
    op.add_column(
        "asset_file",
        sa.Column("is_transparent", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    # Partial indexes: only the few rows in a stack, trashed, or pointing at a motion part are indexed.
    op.create_index(
        "ix_asset_stack_id", "asset", ["stack_id"], postgresql_where=sa.text("stack_id IS NOT NULL")
    )
    op.create_index(
        "ix_asset_live_photo_video_id",
        "asset",
        ["live_photo_video_id"],
        postgresql_where=sa.text("live_photo_video_id IS NOT NULL"),
    )
    op.create_index(
        "ix_asset_trashed_owner",
        "asset",
        ["owner_id", "status"],
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )
    op.create_index(
        "ix_asset_trashed_deleted_at",
        "asset",
        ["deleted_at"],
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )
    op.create_index("ix_tag_parent_id", "tag", ["parent_id"])


def downgrade() -> None:
    raise NotImplementedError("Restore a backup to go back to an earlier version.")
