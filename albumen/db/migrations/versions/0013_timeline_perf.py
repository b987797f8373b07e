"""timeline and map performance

The map draws every located asset a user may see: tens of thousands of markers in a large library.
Joining ``asset`` (whose, which visibility, trashed) to ``asset_exif`` (where) and turning each row
into JSON cost most of that request, so ``asset_map_marker`` keeps one row per located asset with
the asset's filter columns and the marker's JSON, ready to concatenate. Statement triggers keep it:
on ``asset_exif`` for the position and place names, on ``asset`` for the filter columns; deleting an
asset cascades.

Timeline months read each asset's EXIF row for ratio, projection and place: a covering index makes
those lookups index-only. It covers album map markers too, so 0003's located-EXIF index, which
served the old map join, goes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# A MapMarkerResponseDto as compact JSON (to_json quotes and escapes the place names).
MARKER_FUNCTION = """
CREATE FUNCTION albumen_map_marker(
    asset_id uuid, latitude float8, longitude float8, city text, state text, country text
) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN '{"id":"' || asset_id::text
    || '","lat":' || to_json(latitude)::text
    || ',"lon":' || to_json(longitude)::text
    || ',"city":' || coalesce(to_json(city)::text, 'null')
    || ',"state":' || coalesce(to_json(state)::text, 'null')
    || ',"country":' || coalesce(to_json(country)::text, 'null') || '}'
"""

MARKER_COLUMNS = "asset_id, owner_id, visibility, is_favorite, is_trashed, file_created_at, marker"
# Every write of a marker row takes a fresh number: (count, sum of versions) over a filter changes
# whenever a row in it changes, enters or leaves, so the API can keep the last JSON it built.
NEXT_VERSION = "nextval('asset_map_marker_version_seq')"


def _upsert_markers(exif_rows: str, where: str = "") -> str:
    return f"""
        INSERT INTO asset_map_marker AS kept ({MARKER_COLUMNS})
        SELECT a.id, a.owner_id, a.visibility, a.is_favorite, a.deleted_at IS NOT NULL, a.file_created_at,
               albumen_map_marker(a.id, e.latitude, e.longitude, e.city, e.state, e.country)
        FROM {exif_rows}
        JOIN asset a ON a.id = e.asset_id
        WHERE e.latitude IS NOT NULL AND e.longitude IS NOT NULL {where}
        ORDER BY a.id
        ON CONFLICT (asset_id) DO UPDATE SET marker = EXCLUDED.marker, version = {NEXT_VERSION};
    """


# EXIF updates that change no position or place name (dates, camera, …) write nothing.
UPSERT_MOVED = _upsert_markers(
    "new_rows e JOIN old_rows o ON o.asset_id = e.asset_id",
    "AND (o.latitude, o.longitude, o.city, o.state, o.country) "
    "IS DISTINCT FROM (e.latitude, e.longitude, e.city, e.state, e.country)",
)

EXIF_TRIGGER_FUNCTION = f"""
CREATE FUNCTION albumen_asset_map_marker_exif() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_upsert_markers("new_rows e")}
    ELSIF TG_OP = 'UPDATE' THEN
        DELETE FROM asset_map_marker m USING new_rows e
        WHERE m.asset_id = e.asset_id AND (e.latitude IS NULL OR e.longitude IS NULL);
        {UPSERT_MOVED}
    ELSE
        DELETE FROM asset_map_marker m USING old_rows e WHERE m.asset_id = e.asset_id;
    END IF;
    RETURN NULL;
END
$$
"""

# Updates that move no marker between filters (thumbnails, EXIF dates, …) write nothing.
ASSET_TRIGGER_FUNCTION = f"""
CREATE FUNCTION albumen_asset_map_marker_asset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE asset_map_marker m
    SET owner_id = n.owner_id, visibility = n.visibility, is_favorite = n.is_favorite,
        is_trashed = n.deleted_at IS NOT NULL, file_created_at = n.file_created_at, version = {NEXT_VERSION}
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE m.asset_id = n.id
      AND (o.owner_id, o.visibility, o.is_favorite, o.deleted_at IS NOT NULL, o.file_created_at)
          IS DISTINCT FROM
          (n.owner_id, n.visibility, n.is_favorite, n.deleted_at IS NOT NULL, n.file_created_at);
    RETURN NULL;
END
$$
"""

EXIF_COVERING_COLUMNS = (
    "projection_type, city, state, country, latitude, longitude, exif_image_width, exif_image_height, "
    "orientation"
)
LOCATED_INDEX = """
    CREATE INDEX ix_asset_exif_located ON asset_exif (asset_id)
        INCLUDE (latitude, longitude, city, state, country)
        WHERE latitude IS NOT NULL AND longitude IS NOT NULL
"""


def upgrade() -> None:
    op.execute("CREATE SEQUENCE asset_map_marker_version_seq")
    op.create_table(
        "asset_map_marker",
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("visibility", sa.String(), nullable=False),
        sa.Column("is_favorite", sa.Boolean(), nullable=False),
        sa.Column("is_trashed", sa.Boolean(), nullable=False),
        sa.Column("file_created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("marker", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default=sa.text(NEXT_VERSION), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name="fk_asset_map_marker_asset_id_asset", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("asset_id", name="pk_asset_map_marker"),
    )
    op.execute(
        "CREATE INDEX ix_asset_map_marker_owner ON asset_map_marker (owner_id, visibility) "
        "INCLUDE (is_favorite, file_created_at, version) WHERE NOT is_trashed"
    )
    op.execute(MARKER_FUNCTION)
    op.execute(_upsert_markers("asset_exif e"))
    op.execute(EXIF_TRIGGER_FUNCTION)
    for event, tables in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        op.execute(
            f"CREATE TRIGGER asset_map_marker_{event.lower()} AFTER {event} ON asset_exif "
            f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION albumen_asset_map_marker_exif()"
        )
    op.execute(ASSET_TRIGGER_FUNCTION)
    op.execute(
        "CREATE TRIGGER asset_map_marker_update AFTER UPDATE ON asset "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION albumen_asset_map_marker_asset()"
    )

    op.execute(
        f"CREATE INDEX ix_asset_exif_timeline ON asset_exif (asset_id) INCLUDE ({EXIF_COVERING_COLUMNS})"
    )
    op.execute("DROP INDEX ix_asset_exif_located")


def downgrade() -> None:
    op.execute(LOCATED_INDEX)
    op.execute("DROP INDEX ix_asset_exif_timeline")
    op.execute("DROP TRIGGER asset_map_marker_update ON asset")
    op.execute("DROP FUNCTION albumen_asset_map_marker_asset()")
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER asset_map_marker_{event} ON asset_exif")
    op.execute("DROP FUNCTION albumen_asset_map_marker_exif()")
    op.drop_table("asset_map_marker")
    op.execute("DROP SEQUENCE asset_map_marker_version_seq")
    op.execute("DROP FUNCTION albumen_map_marker(uuid, float8, float8, text, text, text)")
