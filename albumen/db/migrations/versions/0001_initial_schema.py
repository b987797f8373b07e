"""Initial schema: users, sessions, API keys and every entity the mobile sync stream will carry.

Every synced table has an ``update_id`` (UUIDv7) renewed by a trigger on each UPDATE, and an audit
table filled by an AFTER DELETE trigger, so the sync stream can be served without a schema rewrite.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

UUID_V7_PLPGSQL = """
CREATE OR REPLACE FUNCTION albumen_uuid_v7() RETURNS uuid AS $$
DECLARE
  micros bigint := floor(extract(epoch FROM clock_timestamp()) * 1000000);
  millis bigint := micros / 1000;
  sub_ms int := ((micros % 1000) * 4096 / 1000)::int;
  bytes bytea := uuid_send(gen_random_uuid());
BEGIN
  -- 48-bit Unix milliseconds, version 7, then 12 bits of sub-millisecond time (RFC 9562 method 3)
  -- so ids made one after another in a backend sort in creation order.
  bytes := overlay(bytes PLACING substring(int8send(millis) FROM 3) FROM 1 FOR 6);
  bytes := set_byte(bytes, 6, 112 | (sub_ms >> 8));
  bytes := set_byte(bytes, 7, sub_ms & 255);
  RETURN encode(bytes, 'hex')::uuid;
END
$$ LANGUAGE plpgsql VOLATILE;
"""
UUID_V7_NATIVE = (
    "CREATE OR REPLACE FUNCTION albumen_uuid_v7() RETURNS uuid AS 'SELECT uuidv7()' LANGUAGE sql VOLATILE;"
)

#: trigger function -> the assignments it makes before every UPDATE
TOUCH_FUNCTIONS = {
    "albumen_touch_synced": "NEW.update_id := albumen_uuid_v7(); NEW.updated_at := clock_timestamp();",
    "albumen_touch_update_id": "NEW.update_id := albumen_uuid_v7();",
    "albumen_touch_updated_at": "NEW.updated_at := clock_timestamp();",
}

#: table -> trigger function run BEFORE UPDATE
TOUCHED_TABLES = {
    "user": "albumen_touch_synced",
    "session": "albumen_touch_synced",
    "api_key": "albumen_touch_synced",
    "asset": "albumen_touch_synced",
    "asset_exif": "albumen_touch_synced",
    "asset_file": "albumen_touch_synced",
    "asset_metadata": "albumen_touch_synced",
    "album": "albumen_touch_synced",
    "album_user": "albumen_touch_synced",
    "album_asset": "albumen_touch_synced",
    "person": "albumen_touch_synced",
    "asset_face": "albumen_touch_synced",
    "partner": "albumen_touch_synced",
    "memory": "albumen_touch_synced",
    "memory_asset": "albumen_touch_synced",
    "stack": "albumen_touch_synced",
    "tag": "albumen_touch_synced",
    "user_metadata": "albumen_touch_update_id",
    "asset_ocr": "albumen_touch_update_id",
    "asset_edit": "albumen_touch_update_id",
    "library": "albumen_touch_updated_at",
    "activity": "albumen_touch_updated_at",
    "notification": "albumen_touch_updated_at",
    "session_sync_checkpoint": "albumen_touch_updated_at",
}

#: source table -> (audit column, expression over OLD), frozen copy of albumen.db.tables.audit
AUDITS = {
    "user": (("user_id", "OLD.id"),),
    "asset": (("asset_id", "OLD.id"), ("owner_id", "OLD.owner_id")),
    "album": (("album_id", "OLD.id"), ("owner_id", "OLD.owner_id")),
    "album_user": (("album_id", "OLD.album_id"), ("user_id", "OLD.user_id")),
    "album_asset": (("album_id", "OLD.album_id"), ("asset_id", "OLD.asset_id")),
    "partner": (("shared_by_id", "OLD.shared_by_id"), ("shared_with_id", "OLD.shared_with_id")),
    "stack": (("stack_id", "OLD.id"), ("owner_id", "OLD.owner_id")),
    "person": (("person_id", "OLD.id"), ("owner_id", "OLD.owner_id")),
    "asset_face": (("asset_face_id", "OLD.id"), ("asset_id", "OLD.asset_id")),
    "memory": (("memory_id", "OLD.id"), ("owner_id", "OLD.owner_id")),
    "memory_asset": (("memory_id", "OLD.memory_id"), ("asset_id", "OLD.asset_id")),
    "user_metadata": (("user_id", "OLD.user_id"), ("key", "OLD.key")),
    "asset_metadata": (("asset_id", "OLD.asset_id"), ("key", "OLD.key")),
    "asset_ocr": (("asset_ocr_id", "OLD.id"), ("asset_id", "OLD.asset_id")),
    "asset_edit": (("asset_edit_id", "OLD.id"), ("asset_id", "OLD.asset_id")),
}


class _Vector(sa.types.UserDefinedType):
    """pgvector's dimensionless ``vector``; frozen here so the migration never changes with the models."""

    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return "vector"


def _create_functions() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    version = op.get_bind().execute(sa.text("SHOW server_version_num")).scalar_one()
    op.execute(UUID_V7_NATIVE if int(version) >= 180000 else UUID_V7_PLPGSQL)
    for name, body in TOUCH_FUNCTIONS.items():
        op.execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} RETURN NEW; END $$ "
            "LANGUAGE plpgsql"
        )


def _create_triggers() -> None:
    for table, function in TOUCHED_TABLES.items():
        op.execute(
            f'CREATE TRIGGER "{table}_updated" BEFORE UPDATE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
    for table, columns in AUDITS.items():
        names = ", ".join(name for name, _ in columns)
        values = ", ".join(expression for _, expression in columns)
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION "{table}_delete_audit"() RETURNS trigger AS $$
            BEGIN
              INSERT INTO "{table}_audit" ({names}) VALUES ({values});
              RETURN NULL;
            END
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            f'CREATE TRIGGER "{table}_delete_audit" AFTER DELETE ON "{table}" '
            f'FOR EACH ROW EXECUTE FUNCTION "{table}_delete_audit"()'
        )


def upgrade() -> None:
    _create_functions()
    _create_tables()
    _create_triggers()


def downgrade() -> None:
    raise NotImplementedError("Restore a backup to go back to an earlier version.")


def _create_tables() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "album_asset_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("album_id", sa.UUID(), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_album_asset_audit")),
    )
    op.create_index("ix_album_asset_audit_deleted_at", "album_asset_audit", ["deleted_at"], unique=False)
    op.create_table(
        "album_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("album_id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_album_audit")),
    )
    op.create_index("ix_album_audit_deleted_at", "album_audit", ["deleted_at"], unique=False)
    op.create_table(
        "album_user_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("album_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_album_user_audit")),
    )
    op.create_index("ix_album_user_audit_deleted_at", "album_user_audit", ["deleted_at"], unique=False)
    op.create_table(
        "asset_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_audit")),
    )
    op.create_index("ix_asset_audit_deleted_at", "asset_audit", ["deleted_at"], unique=False)
    op.create_table(
        "asset_edit_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("asset_edit_id", sa.UUID(), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_edit_audit")),
    )
    op.create_index("ix_asset_edit_audit_deleted_at", "asset_edit_audit", ["deleted_at"], unique=False)
    op.create_table(
        "asset_face_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("asset_face_id", sa.UUID(), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_face_audit")),
    )
    op.create_index("ix_asset_face_audit_deleted_at", "asset_face_audit", ["deleted_at"], unique=False)
    op.create_table(
        "asset_metadata_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_metadata_audit")),
    )
    op.create_index(
        "ix_asset_metadata_audit_deleted_at", "asset_metadata_audit", ["deleted_at"], unique=False
    )
    op.create_table(
        "asset_ocr_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("asset_ocr_id", sa.UUID(), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_ocr_audit")),
    )
    op.create_index("ix_asset_ocr_audit_deleted_at", "asset_ocr_audit", ["deleted_at"], unique=False)
    op.create_table(
        "memory_asset_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("memory_id", sa.UUID(), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memory_asset_audit")),
    )
    op.create_index("ix_memory_asset_audit_deleted_at", "memory_asset_audit", ["deleted_at"], unique=False)
    op.create_table(
        "memory_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("memory_id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memory_audit")),
    )
    op.create_index("ix_memory_audit_deleted_at", "memory_audit", ["deleted_at"], unique=False)
    op.create_table(
        "partner_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("shared_by_id", sa.UUID(), nullable=False),
        sa.Column("shared_with_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_audit")),
    )
    op.create_index("ix_partner_audit_deleted_at", "partner_audit", ["deleted_at"], unique=False)
    op.create_table(
        "person_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_audit")),
    )
    op.create_index("ix_person_audit_deleted_at", "person_audit", ["deleted_at"], unique=False)
    op.create_table(
        "stack_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("stack_id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stack_audit")),
    )
    op.create_index("ix_stack_audit_deleted_at", "stack_audit", ["deleted_at"], unique=False)
    op.create_table(
        "system_metadata",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_system_metadata")),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("name", sa.String(), server_default="", nullable=False),
        sa.Column("password", sa.String(), server_default="", nullable=False),
        sa.Column("pin_code", sa.String(), nullable=True),
        sa.Column("is_admin", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("should_change_password", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("avatar_color", sa.String(), nullable=True),
        sa.Column("profile_image_path", sa.String(), server_default="", nullable=False),
        sa.Column(
            "profile_changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("storage_label", sa.String(), nullable=True),
        sa.Column("oauth_id", sa.String(), server_default="", nullable=False),
        sa.Column("quota_size_in_bytes", sa.BigInteger(), nullable=True),
        sa.Column("quota_usage_in_bytes", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("status", sa.String(), server_default="active", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
    )
    op.create_index(op.f("ix_user_update_id"), "user", ["update_id"], unique=False)
    op.create_index("uq_user_email_lower", "user", [sa.literal_column("lower(email)")], unique=True)
    op.create_index(
        "uq_user_storage_label",
        "user",
        ["storage_label"],
        unique=True,
        postgresql_where=sa.text("storage_label IS NOT NULL"),
    )
    op.create_table(
        "user_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_audit")),
    )
    op.create_index("ix_user_audit_deleted_at", "user_audit", ["deleted_at"], unique=False)
    op.create_table(
        "user_metadata_audit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_metadata_audit")),
    )
    op.create_index("ix_user_metadata_audit_deleted_at", "user_metadata_audit", ["deleted_at"], unique=False)
    op.create_table(
        "api_key",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("permissions", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_api_key_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("key", name=op.f("uq_api_key_key")),
    )
    op.create_index(op.f("ix_api_key_update_id"), "api_key", ["update_id"], unique=False)
    op.create_index(op.f("ix_api_key_user_id"), "api_key", ["user_id"], unique=False)
    op.create_table(
        "library",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("import_paths", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("exclusion_patterns", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_library_owner_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library")),
    )
    op.create_table(
        "memory",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("is_saved", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("memory_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("show_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hide_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_memory_owner_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memory")),
    )
    op.create_index(op.f("ix_memory_owner_id"), "memory", ["owner_id"], unique=False)
    op.create_index(op.f("ix_memory_update_id"), "memory", ["update_id"], unique=False)
    op.create_table(
        "notification",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("level", sa.String(), server_default="info", nullable=False),
        sa.Column("type", sa.String(), server_default="Custom", nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    op.create_index(op.f("ix_notification_user_id"), "notification", ["user_id"], unique=False)
    op.create_table(
        "partner",
        sa.Column("shared_by_id", sa.UUID(), nullable=False),
        sa.Column("shared_with_id", sa.UUID(), nullable=False),
        sa.Column("in_timeline", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["shared_by_id"], ["user.id"], name=op.f("fk_partner_shared_by_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["shared_with_id"], ["user.id"], name=op.f("fk_partner_shared_with_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shared_by_id", "shared_with_id", name=op.f("pk_partner")),
    )
    op.create_index(op.f("ix_partner_shared_with_id"), "partner", ["shared_with_id"], unique=False)
    op.create_index(op.f("ix_partner_update_id"), "partner", ["update_id"], unique=False)
    op.create_table(
        "person",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(), server_default="", nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("thumbnail_path", sa.String(), server_default="", nullable=False),
        sa.Column("face_asset_id", sa.UUID(), nullable=True),
        sa.Column("is_hidden", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_favorite", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("color", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_person_owner_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    op.create_index(op.f("ix_person_owner_id"), "person", ["owner_id"], unique=False)
    op.create_index(op.f("ix_person_update_id"), "person", ["update_id"], unique=False)
    op.create_table(
        "session",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("token", sa.String(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("parent_id", sa.UUID(), nullable=True),
        sa.Column("device_type", sa.String(), server_default="", nullable=False),
        sa.Column("device_os", sa.String(), server_default="", nullable=False),
        sa.Column("app_version", sa.String(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pin_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_pending_sync_reset", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["session.id"], name=op.f("fk_session_parent_id_session"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_session_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session")),
        sa.UniqueConstraint("token", name=op.f("uq_session_token")),
    )
    op.create_index(op.f("ix_session_update_id"), "session", ["update_id"], unique=False)
    op.create_index(op.f("ix_session_user_id"), "session", ["user_id"], unique=False)
    op.create_table(
        "tag",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("color", sa.String(), nullable=True),
        sa.Column("parent_id", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["tag.id"], name=op.f("fk_tag_parent_id_tag"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_tag_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
    )
    op.create_index(op.f("ix_tag_update_id"), "tag", ["update_id"], unique=False)
    op.create_index("uq_tag_user_value", "tag", ["user_id", "value"], unique=True)
    op.create_table(
        "user_metadata",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_metadata_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_user_metadata")),
    )
    op.create_index(op.f("ix_user_metadata_update_id"), "user_metadata", ["update_id"], unique=False)
    op.create_table(
        "asset",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("library_id", sa.UUID(), nullable=True),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("status", sa.String(), server_default="active", nullable=False),
        sa.Column("original_path", sa.Text(), nullable=False),
        sa.Column("original_file_name", sa.Text(), nullable=False),
        sa.Column("checksum", sa.LargeBinary(), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("file_created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("file_modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_date_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_favorite", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("visibility", sa.String(), server_default="timeline", nullable=False),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("live_photo_video_id", sa.UUID(), nullable=True),
        sa.Column("stack_id", sa.UUID(), nullable=True),
        sa.Column("duplicate_id", sa.UUID(), nullable=True),
        sa.Column("thumbhash", sa.LargeBinary(), nullable=True),
        sa.Column("encoded_video_path", sa.Text(), nullable=True),
        sa.Column("sidecar_path", sa.Text(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("is_offline", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_external", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_edited", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["library_id"], ["library.id"], name=op.f("fk_asset_library_id_library"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["live_photo_video_id"],
            ["asset.id"],
            name=op.f("fk_asset_live_photo_video_id_asset"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_asset_owner_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset")),
    )
    op.create_index(op.f("ix_asset_checksum"), "asset", ["checksum"], unique=False)
    op.create_index(op.f("ix_asset_duplicate_id"), "asset", ["duplicate_id"], unique=False)
    op.create_index(
        "ix_asset_owner_local_date_time",
        "asset",
        ["owner_id", sa.literal_column("local_date_time DESC")],
        unique=False,
    )
    op.create_index(op.f("ix_asset_update_id"), "asset", ["update_id"], unique=False)
    op.create_index(
        "uq_asset_library_path",
        "asset",
        ["library_id", "original_path"],
        unique=True,
        postgresql_where=sa.text("library_id IS NOT NULL"),
    )
    op.create_index(
        "uq_asset_owner_checksum",
        "asset",
        ["owner_id", "checksum"],
        unique=True,
        postgresql_where=sa.text("library_id IS NULL"),
    )
    op.create_table(
        "session_sync_checkpoint",
        sa.Column("session_id", sa.UUID(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("ack", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session.id"],
            name=op.f("fk_session_sync_checkpoint_session_id_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "type", name=op.f("pk_session_sync_checkpoint")),
    )
    op.create_table(
        "tag_closure",
        sa.Column("id_ancestor", sa.UUID(), nullable=False),
        sa.Column("id_descendant", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id_ancestor"], ["tag.id"], name=op.f("fk_tag_closure_id_ancestor_tag"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["id_descendant"], ["tag.id"], name=op.f("fk_tag_closure_id_descendant_tag"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id_ancestor", "id_descendant", name=op.f("pk_tag_closure")),
    )
    op.create_index(op.f("ix_tag_closure_id_descendant"), "tag_closure", ["id_descendant"], unique=False)
    op.create_table(
        "album",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(), server_default="Untitled Album", nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("thumbnail_asset_id", sa.UUID(), nullable=True),
        sa.Column("is_activity_enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("order", sa.String(), server_default="desc", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_album_owner_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["thumbnail_asset_id"],
            ["asset.id"],
            name=op.f("fk_album_thumbnail_asset_id_asset"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_album")),
    )
    op.create_index(op.f("ix_album_owner_id"), "album", ["owner_id"], unique=False)
    op.create_index(op.f("ix_album_update_id"), "album", ["update_id"], unique=False)
    op.create_table(
        "asset_edit",
        sa.Column("id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("parameters", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_asset_edit_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_edit")),
    )
    op.create_index(op.f("ix_asset_edit_asset_id"), "asset_edit", ["asset_id"], unique=False)
    op.create_index(op.f("ix_asset_edit_update_id"), "asset_edit", ["update_id"], unique=False)
    op.create_table(
        "asset_exif",
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("make", sa.String(), nullable=True),
        sa.Column("model", sa.String(), nullable=True),
        sa.Column("lens_model", sa.String(), nullable=True),
        sa.Column("exif_image_width", sa.Integer(), nullable=True),
        sa.Column("exif_image_height", sa.Integer(), nullable=True),
        sa.Column("file_size_in_byte", sa.BigInteger(), nullable=True),
        sa.Column("orientation", sa.String(), nullable=True),
        sa.Column("date_time_original", sa.DateTime(timezone=True), nullable=True),
        sa.Column("modify_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("time_zone", sa.String(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("projection_type", sa.String(), nullable=True),
        sa.Column("city", sa.String(), nullable=True),
        sa.Column("state", sa.String(), nullable=True),
        sa.Column("country", sa.String(), nullable=True),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("f_number", sa.Float(), nullable=True),
        sa.Column("focal_length", sa.Float(), nullable=True),
        sa.Column("iso", sa.Integer(), nullable=True),
        sa.Column("exposure_time", sa.String(), nullable=True),
        sa.Column("profile_description", sa.String(), nullable=True),
        sa.Column("colorspace", sa.String(), nullable=True),
        sa.Column("bits_per_sample", sa.Integer(), nullable=True),
        sa.Column("auto_stack_id", sa.String(), nullable=True),
        sa.Column("live_photo_cid", sa.String(), nullable=True),
        sa.Column("fps", sa.Float(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("tags", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("locked_properties", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_asset_exif_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("asset_id", name=op.f("pk_asset_exif")),
    )
    op.create_index(op.f("ix_asset_exif_city"), "asset_exif", ["city"], unique=False)
    op.create_index(op.f("ix_asset_exif_live_photo_cid"), "asset_exif", ["live_photo_cid"], unique=False)
    op.create_index(op.f("ix_asset_exif_update_id"), "asset_exif", ["update_id"], unique=False)
    op.create_table(
        "asset_face",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("person_id", sa.UUID(), nullable=True),
        sa.Column("image_width", sa.Integer(), server_default="0", nullable=False),
        sa.Column("image_height", sa.Integer(), server_default="0", nullable=False),
        sa.Column("bounding_box_x1", sa.Integer(), server_default="0", nullable=False),
        sa.Column("bounding_box_y1", sa.Integer(), server_default="0", nullable=False),
        sa.Column("bounding_box_x2", sa.Integer(), server_default="0", nullable=False),
        sa.Column("bounding_box_y2", sa.Integer(), server_default="0", nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("source_type", sa.String(), server_default="machine-learning", nullable=False),
        sa.Column("is_visible", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_asset_face_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_asset_face_person_id_person"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_face")),
    )
    op.create_index(op.f("ix_asset_face_asset_id"), "asset_face", ["asset_id"], unique=False)
    op.create_index(op.f("ix_asset_face_person_id"), "asset_face", ["person_id"], unique=False)
    op.create_index(op.f("ix_asset_face_update_id"), "asset_face", ["update_id"], unique=False)
    op.create_table(
        "asset_file",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("is_edited", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_progressive", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_asset_file_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_file")),
    )
    op.create_index(op.f("ix_asset_file_update_id"), "asset_file", ["update_id"], unique=False)
    op.create_index(
        "uq_asset_file_asset_type_edited", "asset_file", ["asset_id", "type", "is_edited"], unique=True
    )
    op.create_table(
        "asset_job_status",
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("metadata_extracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("thumbnail_generated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("video_encoded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duplicates_detected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("faces_recognized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ocr_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("smart_search_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_step", sa.String(), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_asset_job_status_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("asset_id", name=op.f("pk_asset_job_status")),
    )
    op.create_table(
        "asset_metadata",
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_asset_metadata_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("asset_id", "key", name=op.f("pk_asset_metadata")),
    )
    op.create_index(op.f("ix_asset_metadata_update_id"), "asset_metadata", ["update_id"], unique=False)
    op.create_table(
        "asset_ocr",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("x1", sa.Float(), nullable=False),
        sa.Column("y1", sa.Float(), nullable=False),
        sa.Column("x2", sa.Float(), nullable=False),
        sa.Column("y2", sa.Float(), nullable=False),
        sa.Column("x3", sa.Float(), nullable=False),
        sa.Column("y3", sa.Float(), nullable=False),
        sa.Column("x4", sa.Float(), nullable=False),
        sa.Column("y4", sa.Float(), nullable=False),
        sa.Column("box_score", sa.Float(), nullable=False),
        sa.Column("text_score", sa.Float(), nullable=False),
        sa.Column("is_visible", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_asset_ocr_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_ocr")),
    )
    op.create_index(op.f("ix_asset_ocr_asset_id"), "asset_ocr", ["asset_id"], unique=False)
    op.create_index(op.f("ix_asset_ocr_update_id"), "asset_ocr", ["update_id"], unique=False)
    op.create_table(
        "memory_asset",
        sa.Column("memory_id", sa.UUID(), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_memory_asset_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["memory_id"], ["memory.id"], name=op.f("fk_memory_asset_memory_id_memory"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("memory_id", "asset_id", name=op.f("pk_memory_asset")),
    )
    op.create_index(op.f("ix_memory_asset_update_id"), "memory_asset", ["update_id"], unique=False)
    op.create_table(
        "smart_search",
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("dim", sa.SmallInteger(), nullable=False),
        sa.Column("embedding", _Vector(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_smart_search_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("asset_id", name=op.f("pk_smart_search")),
    )
    op.create_table(
        "stack",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("primary_asset_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_stack_owner_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["primary_asset_id"],
            ["asset.id"],
            name=op.f("fk_stack_primary_asset_id_asset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stack")),
    )
    op.create_index(op.f("ix_stack_owner_id"), "stack", ["owner_id"], unique=False)
    op.create_index(op.f("ix_stack_update_id"), "stack", ["update_id"], unique=False)
    op.create_table(
        "tag_asset",
        sa.Column("tag_id", sa.UUID(), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_tag_asset_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_tag_asset_tag_id_tag"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tag_id", "asset_id", name=op.f("pk_tag_asset")),
    )
    op.create_index(op.f("ix_tag_asset_asset_id"), "tag_asset", ["asset_id"], unique=False)
    op.create_table(
        "activity",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("album_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("is_liked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["album_id"], ["album.id"], name=op.f("fk_activity_album_id_album"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_activity_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_activity_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    op.create_index(op.f("ix_activity_album_id"), "activity", ["album_id"], unique=False)
    op.create_table(
        "album_asset",
        sa.Column("album_id", sa.UUID(), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["album_id"], ["album.id"], name=op.f("fk_album_asset_album_id_album"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_album_asset_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("album_id", "asset_id", name=op.f("pk_album_asset")),
    )
    op.create_index(op.f("ix_album_asset_asset_id"), "album_asset", ["asset_id"], unique=False)
    op.create_index(op.f("ix_album_asset_update_id"), "album_asset", ["update_id"], unique=False)
    op.create_table(
        "album_user",
        sa.Column("album_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("role", sa.String(), server_default="editor", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("update_id", sa.UUID(), server_default=sa.text("albumen_uuid_v7()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["album_id"], ["album.id"], name=op.f("fk_album_user_album_id_album"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_album_user_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("album_id", "user_id", name=op.f("pk_album_user")),
    )
    op.create_index(op.f("ix_album_user_update_id"), "album_user", ["update_id"], unique=False)
    op.create_index(op.f("ix_album_user_user_id"), "album_user", ["user_id"], unique=False)
    op.create_table(
        "face_search",
        sa.Column("face_id", sa.UUID(), nullable=False),
        sa.Column("dim", sa.SmallInteger(), nullable=False),
        sa.Column("embedding", _Vector(), nullable=False),
        sa.ForeignKeyConstraint(
            ["face_id"], ["asset_face.id"], name=op.f("fk_face_search_face_id_asset_face"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("face_id", name=op.f("pk_face_search")),
    )
    op.create_table(
        "shared_link",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("password", sa.String(), nullable=True),
        sa.Column("slug", sa.String(), nullable=True),
        sa.Column("album_id", sa.UUID(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("allow_upload", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("allow_download", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("show_exif", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["album_id"], ["album.id"], name=op.f("fk_shared_link_album_id_album"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_shared_link_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_link")),
        sa.UniqueConstraint("key", name=op.f("uq_shared_link_key")),
        sa.UniqueConstraint("slug", name=op.f("uq_shared_link_slug")),
    )
    op.create_index(op.f("ix_shared_link_album_id"), "shared_link", ["album_id"], unique=False)
    op.create_index(op.f("ix_shared_link_user_id"), "shared_link", ["user_id"], unique=False)
    op.create_table(
        "shared_link_asset",
        sa.Column("shared_link_id", sa.UUID(), nullable=False),
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_shared_link_asset_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["shared_link_id"],
            ["shared_link.id"],
            name=op.f("fk_shared_link_asset_shared_link_id_shared_link"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shared_link_id", "asset_id", name=op.f("pk_shared_link_asset")),
    )
    op.create_index(op.f("ix_shared_link_asset_asset_id"), "shared_link_asset", ["asset_id"], unique=False)
    # Cycles (asset <-> stack, person <-> asset_face) are closed once both tables exist.
    op.create_foreign_key(
        "fk_asset_stack_id_stack", "asset", "stack", ["stack_id"], ["id"], ondelete="SET NULL"
    )
    op.create_foreign_key(
        "fk_person_face_asset_id_asset_face",
        "person",
        "asset_face",
        ["face_asset_id"],
        ["id"],
        ondelete="SET NULL",
    )
