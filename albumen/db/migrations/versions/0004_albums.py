"""albums

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

Immich 3.x lists an album's owner among its users with role ``owner`` (sync's ``AlbumUsersV1``
carries ownership). Albumen keeps ``album.owner_id`` as the authority and mirrors it as an
``album_user`` row; albums made before that get their row here.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        INSERT INTO album_user (album_id, user_id, role)
        SELECT id, owner_id, 'owner' FROM album
        ON CONFLICT (album_id, user_id) DO UPDATE SET role = 'owner'
        WHERE album_user.role <> 'owner'
        """
    )


def downgrade() -> None:
    raise NotImplementedError("Restore a backup to go back to an earlier version.")
