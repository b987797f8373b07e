"""sharing: shared links, activities

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22

Immich's activity rules as constraints: a row is a like (no comment) or a comment, and a user likes
an asset (or the album itself, asset null) at most once per album, which keeps concurrent likes from
duplicating. Activities are read per album and asset, and shared links looked up per album.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE activity ADD CONSTRAINT ck_activity_like_or_comment CHECK "
        "((comment IS NULL AND is_liked) OR (comment IS NOT NULL AND NOT is_liked))"
    )
    op.execute(
        "CREATE UNIQUE INDEX ix_activity_like_once ON activity (album_id, asset_id, user_id) "
        "NULLS NOT DISTINCT WHERE is_liked"
    )
    op.create_index("ix_activity_album_id_asset_id", "activity", ["album_id", "asset_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_activity_album_id_asset_id", table_name="activity")
    op.execute("DROP INDEX ix_activity_like_once")
    op.execute("ALTER TABLE activity DROP CONSTRAINT ck_activity_like_or_comment")
