"""events, memories, notifications, OAuth links

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    _upgrade_memories_notifications_oauth()
    _upgrade_client_events()


def downgrade() -> None:
    _downgrade_client_events()
    _downgrade_memories_notifications_oauth()


# --- memories, notifications, OAuth (issue 6: OAuth/memories/notifications) -------------------------


def _upgrade_memories_notifications_oauth() -> None:
    # Backchannel logout names the provider's session (``sid``); the login it opened is found by it.
    op.add_column("session", sa.Column("oauth_sid", sa.String(), nullable=True))
    op.create_index(
        "ix_session_oauth_sid", "session", ["oauth_sid"], postgresql_where=sa.text("oauth_sid IS NOT NULL")
    )
    op.create_index(
        "ix_user_oauth_id", "user", ["oauth_id"], unique=True, postgresql_where=sa.text("oauth_id <> ''")
    )
    op.create_index("ix_memory_asset_asset_id", "memory_asset", ["asset_id"])
    op.create_index(
        "ix_memory_owner_memory_at",
        "memory",
        ["owner_id", sa.text("memory_at DESC")],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_notification_user_created_at",
        "notification",
        ["user_id", sa.text("created_at DESC")],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )


def _downgrade_memories_notifications_oauth() -> None:
    op.drop_index("ix_notification_user_created_at", table_name="notification")
    op.drop_index("ix_memory_owner_memory_at", table_name="memory")
    op.drop_index("ix_memory_asset_asset_id", table_name="memory_asset")
    op.drop_index("ix_user_oauth_id", table_name="user")
    op.drop_index("ix_session_oauth_sid", table_name="session")
    op.drop_column("session", "oauth_sid")


# --- client events (issue 6: socket.io) ---------------------------------------------------------------


def _upgrade_client_events() -> None:
    # NOTIFY payloads stop at 8000 bytes: a larger client event is stored here and announced by id.
    op.create_table(
        "client_event",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_client_event"),
    )
    op.create_index("ix_client_event_created_at", "client_event", ["created_at"])


def _downgrade_client_events() -> None:
    op.drop_index("ix_client_event_created_at", table_name="client_event")
    op.drop_table("client_event")
