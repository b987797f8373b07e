"""sync: checkpoints, partner and album-share backfill support

Adds ``create_id`` (a UUIDv7 set on INSERT and never renewed) to ``partner`` and ``album_user``: the
sync stream backfills a partner's library or a shared album's assets per share, in the order the
shares began. Adds composite indexes so every "changed since the session's checkpoint" query is an
index range scan per user (mirrors ``albumen.db.tables.sync_indexes``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

CREATE_ID_TABLES = ("partner", "album_user")

#: index name -> (table, columns); frozen copy of albumen.db.tables.sync_indexes
INDEXES = {
    "ix_asset_owner_id_update_id": ("asset", ("owner_id", "update_id")),
    "ix_stack_owner_id_update_id": ("stack", ("owner_id", "update_id")),
    "ix_person_owner_id_update_id": ("person", ("owner_id", "update_id")),
    "ix_album_user_user_id_create_id": ("album_user", ("user_id", "create_id")),
    "ix_album_user_album_id_update_id": ("album_user", ("album_id", "update_id")),
    "ix_album_asset_album_id_update_id": ("album_asset", ("album_id", "update_id")),
    "ix_partner_shared_with_id_create_id": ("partner", ("shared_with_id", "create_id")),
    "ix_asset_audit_owner_id_id": ("asset_audit", ("owner_id", "id")),
    "ix_album_audit_owner_id_id": ("album_audit", ("owner_id", "id")),
    "ix_album_user_audit_user_id_id": ("album_user_audit", ("user_id", "id")),
    "ix_album_user_audit_album_id_id": ("album_user_audit", ("album_id", "id")),
    "ix_album_asset_audit_album_id_id": ("album_asset_audit", ("album_id", "id")),
    "ix_partner_audit_shared_with_id_id": ("partner_audit", ("shared_with_id", "id")),
    "ix_partner_audit_shared_by_id_id": ("partner_audit", ("shared_by_id", "id")),
    "ix_stack_audit_owner_id_id": ("stack_audit", ("owner_id", "id")),
    "ix_person_audit_owner_id_id": ("person_audit", ("owner_id", "id")),
    "ix_memory_audit_owner_id_id": ("memory_audit", ("owner_id", "id")),
    "ix_memory_asset_audit_memory_id_id": ("memory_asset_audit", ("memory_id", "id")),
    "ix_user_metadata_audit_user_id_id": ("user_metadata_audit", ("user_id", "id")),
}


def upgrade() -> None:
    for table in CREATE_ID_TABLES:
        op.add_column(
            table,
            sa.Column("create_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        )
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, list(columns))


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
    for table in CREATE_ID_TABLES:
        op.drop_column(table, "create_id")
