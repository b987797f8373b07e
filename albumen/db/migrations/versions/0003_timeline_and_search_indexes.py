"""timeline and search indexes

The timeline counts a user's assets by month of ``local_date_time``: ``asset_month_count`` keeps
those counts per owner, month and filter (visibility, favourite, trashed, stacked, type), updated by
statement triggers on ``asset``, so bucket lists and statistics read a few hundred rows however large
the library. Search pages newest first and the map reads every located asset: each has an index
that answers it without visiting the table where possible (index-only scans). Text search (file
name, description, OCR) is ``ILIKE '%…%'`` on unaccented text, which trigram GIN indexes serve.
Exact EXIF filters (camera, place) get no index here: they narrow one user's assets, which the owner
indexes already bound.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

COUNT_KEY = "owner_id, month, visibility, is_favorite, is_trashed, is_stacked, type"
#: The ``asset_month_count`` key of an ``asset`` row (the wall-clock month, as Immich buckets).
ROW_KEY = (
    "owner_id, date_trunc('month', local_date_time AT TIME ZONE 'UTC')::date, visibility, is_favorite, "
    "deleted_at IS NOT NULL, stack_id IS NOT NULL, type"
)


def _apply_deltas(source: str) -> str:
    # Keys are upserted in a fixed order, so concurrent statements lock count rows in the same order;
    # updates that move no asset between groups (thumbnails, EXIF…) write nothing.
    return f"""
        INSERT INTO asset_month_count AS counted ({COUNT_KEY}, count)
        SELECT {COUNT_KEY}, sum(delta) FROM ({source}) AS deltas ({COUNT_KEY}, delta)
        GROUP BY {COUNT_KEY}
        HAVING sum(delta) <> 0
        ORDER BY {COUNT_KEY}
        ON CONFLICT ({COUNT_KEY}) DO UPDATE SET count = counted.count + EXCLUDED.count;
    """


ADDED = f"SELECT {ROW_KEY}, 1 FROM new_rows"
REMOVED = f"SELECT {ROW_KEY}, -1 FROM old_rows"

COUNT_TRIGGER_FUNCTION = f"""
CREATE FUNCTION albumen_asset_month_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_apply_deltas(ADDED)}
    ELSIF TG_OP = 'UPDATE' THEN
        {_apply_deltas(f"{ADDED} UNION ALL {REMOVED}")}
    ELSE
        {_apply_deltas(REMOVED)}
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # unaccent() is only STABLE (it reads a dictionary); naming the dictionary makes a wrapper that
    # may be used in indexes, as Immich's f_unaccent does.
    op.execute(
        """
        CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        RETURN public.unaccent('public.unaccent'::regdictionary, $1)
        """
    )

    # No foreign key to "user": deleting a user cascades to its assets, whose trigger still writes here.
    op.create_table(
        "asset_month_count",
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("visibility", sa.String(), nullable=False),
        sa.Column("is_favorite", sa.Boolean(), nullable=False),
        sa.Column("is_trashed", sa.Boolean(), nullable=False),
        sa.Column("is_stacked", sa.Boolean(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*COUNT_KEY.split(", "), name="pk_asset_month_count"),
    )
    op.execute(
        f"INSERT INTO asset_month_count SELECT {ROW_KEY}, count(*) FROM asset GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )
    op.execute(COUNT_TRIGGER_FUNCTION)
    for event, tables in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        op.execute(
            f"CREATE TRIGGER asset_month_count_{event.lower()} AFTER {event} ON asset "
            f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION albumen_asset_month_count()"
        )

    # withStacked buckets add each stack's primary asset to the unstacked counts: stacks merge-join
    # this index (stacked live assets only) without touching the table.
    op.execute(
        "CREATE INDEX ix_asset_stacked_live ON asset (stack_id, id) "
        "INCLUDE (owner_id, local_date_time, visibility, is_favorite) "
        "WHERE stack_id IS NOT NULL AND deleted_at IS NULL"
    )
    # Search pages, newest first, and the map's owner-side of its merge join with located EXIF rows.
    op.execute(
        "CREATE INDEX ix_asset_owner_file_created_at ON asset (owner_id, file_created_at DESC, id DESC) "
        "WHERE deleted_at IS NULL"
    )
    op.execute(
        "CREATE INDEX ix_asset_owner_id_live ON asset (owner_id, id) "
        "INCLUDE (visibility, is_favorite, file_created_at) WHERE deleted_at IS NULL"
    )
    op.execute(
        "CREATE INDEX ix_asset_original_file_name_trgm ON asset "
        "USING gin (f_unaccent(original_file_name) gin_trgm_ops)"
    )

    # The map: every located asset with its place names, straight from the index.
    op.execute(
        """
        CREATE INDEX ix_asset_exif_located ON asset_exif (asset_id)
            INCLUDE (latitude, longitude, city, state, country)
            WHERE latitude IS NOT NULL AND longitude IS NOT NULL
        """
    )
    op.execute(
        "CREATE INDEX ix_asset_exif_description_trgm ON asset_exif "
        "USING gin (f_unaccent(description) gin_trgm_ops)"
    )
    op.execute("CREATE INDEX ix_asset_ocr_text_trgm ON asset_ocr USING gin (f_unaccent(text) gin_trgm_ops)")


def downgrade() -> None:
    raise NotImplementedError("Restore a backup to go back to an earlier version.")
