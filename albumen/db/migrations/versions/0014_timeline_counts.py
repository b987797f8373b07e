"""timeline rows, formatted ahead

A timeline month (``/timeline/bucket``) read each asset, looked its EXIF row up and formatted every
value (ISO timestamps, base64 thumbhash, ratio) on every request: for a busy month of 2,000 assets
that was most of the request. ``asset_timeline`` keeps one row per asset with the columns the
timeline filters on (named as in ``asset``, so the same conditions apply) and the values it sends,
already formatted. Statement triggers keep it: on ``asset`` (inserted rows, and updates that change a
column it copies) and on ``asset_exif`` (ratio, projection, place, position); deleting an asset
cascades. Stacks are not copied beyond ``stack_id``: primaries and stack sizes are read live, so
changing a stack's primary writes nothing here.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# Width over height as the timeline shows it: the asset's (upright) size, else EXIF's turned upright
# by its orientation, else 1; rounded to 3 places as Immich does.
RATIO_FUNCTION = """
CREATE FUNCTION albumen_timeline_ratio(
    width integer, height integer, exif_width integer, exif_height integer, orientation text
) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN coalesce(
    CASE WHEN width > 0 AND height > 0 THEN round(width::numeric / height, 3) END,
    CASE WHEN exif_width > 0 AND exif_height > 0 THEN
        CASE WHEN orientation IN ('5', '6', '7', '8', '-90', '90')
             THEN round(exif_height::numeric / exif_width, 3)
             ELSE round(exif_width::numeric / exif_height, 3)
        END
    END,
    1
)::float8
"""

ISO = """to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""

#: Columns copied from ``asset`` (filters) and the values computed from it, in table order.
ASSET_COLUMNS = (
    "owner_id, visibility, is_favorite, deleted_at, status, stack_id, type, local_date_time, "
    "file_created_at, created_at, live_photo_video_id, duration_ms, thumbhash, created_at_text, "
    "file_created_at_text, local_offset_hours"
)
EXIF_COLUMNS = "projection_type, city, country, latitude, longitude"


def _asset_values(a: str) -> str:
    return (
        f"{a}.owner_id, {a}.visibility, {a}.is_favorite, {a}.deleted_at, {a}.status, {a}.stack_id, "
        f"{a}.type, {a}.local_date_time, {a}.file_created_at, {a}.created_at, {a}.live_photo_video_id, "
        f"{a}.duration_ms, translate(encode({a}.thumbhash, 'base64'), E'\\n', ''), "
        f"{ISO.format(f'{a}.created_at')}, {ISO.format(f'{a}.file_created_at')}, "
        f"(extract(epoch FROM {a}.local_date_time - {a}.file_created_at) / 3600)::float8"
    )


def _ratio(a: str, e: str) -> str:
    return (
        f"albumen_timeline_ratio({a}.width, {a}.height, {e}.exif_image_width, {e}.exif_image_height, "
        f"{e}.orientation)"
    )


def _insert_rows(assets: str) -> str:
    return f"""
        INSERT INTO asset_timeline (id, {ASSET_COLUMNS}, ratio, {EXIF_COLUMNS})
        SELECT a.id, {_asset_values("a")}, {_ratio("a", "e")},
               e.projection_type, e.city, e.country, e.latitude, e.longitude
        FROM {assets} a LEFT JOIN asset_exif e ON e.asset_id = a.id
        ORDER BY a.id;
    """


#: Every other column: what a month's query reads besides the index key.
COVERED = (
    "id, visibility, is_favorite, deleted_at, status, stack_id, type, file_created_at, created_at, "
    "live_photo_video_id, duration_ms, thumbhash, created_at_text, file_created_at_text, local_offset_hours, "
    "ratio, projection_type, city, country, latitude, longitude"
)

#: The ``asset`` columns the timeline row depends on: updates that change none of them write nothing.
WATCHED = (
    "owner_id, visibility, is_favorite, deleted_at, status, stack_id, type, local_date_time, "
    "file_created_at, created_at, live_photo_video_id, duration_ms, thumbhash, width, height"
)


def _watched(alias: str) -> str:
    return "(" + ", ".join(f"{alias}.{column.strip()}" for column in WATCHED.split(",")) + ")"


ASSET_TRIGGER_FUNCTION = f"""
CREATE FUNCTION albumen_asset_timeline_asset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_insert_rows("new_rows")}
    ELSE
        UPDATE asset_timeline t
        SET ({ASSET_COLUMNS}, ratio) = ({_asset_values("n")}, {_ratio("n", "e")})
        FROM new_rows n
        JOIN old_rows o ON o.id = n.id
        LEFT JOIN asset_exif e ON e.asset_id = n.id
        WHERE t.id = n.id AND {_watched("o")} IS DISTINCT FROM {_watched("n")};
    END IF;
    RETURN NULL;
END
$$
"""

EXIF_TRIGGER_FUNCTION = f"""
CREATE FUNCTION albumen_asset_timeline_exif() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE asset_timeline t
        SET ({EXIF_COLUMNS}, ratio) = (NULL, NULL, NULL, NULL, NULL, {_ratio("a", "e")})
        FROM old_rows o
        JOIN asset a ON a.id = o.asset_id
        LEFT JOIN asset_exif e ON e.asset_id = o.asset_id
        WHERE t.id = o.asset_id;
    ELSE
        UPDATE asset_timeline t
        SET ({EXIF_COLUMNS}, ratio) = (
            e.projection_type, e.city, e.country, e.latitude, e.longitude, {_ratio("a", "e")}
        )
        FROM new_rows e
        JOIN asset a ON a.id = e.asset_id
        WHERE t.id = e.asset_id
          AND (t.projection_type, t.city, t.country, t.latitude, t.longitude, t.ratio)
              IS DISTINCT FROM
              (e.projection_type, e.city, e.country, e.latitude, e.longitude, {_ratio("a", "e")});
    END IF;
    RETURN NULL;
END
$$
"""


# -- stack primaries in the month counts -----------------------------------------------------------

MONTH = "date_trunc('month', {a}.local_date_time AT TIME ZONE 'UTC')::date"
PRIMARY_KEY = "visibility, is_favorite, is_trashed, type"


def _recount_primaries(pairs: str) -> str:
    """Recount the stack primaries of the (owner_id, month) pairs ``pairs`` selects, from the tables
    as they are now: deltas can't be had when a stack is deleted (its members lose their stack_id
    after it is gone). The month's count rows are locked first, in key order, so concurrent
    recounts of a month take turns and each statement below reads what the other committed. (Row
    locks, not an advisory lock: an asset update already holds its count rows when this runs, and
    a second kind of lock taken after them would deadlock with a stack change taking it before.)"""
    return f"""
        PERFORM 1 FROM asset_month_count c
        JOIN (SELECT DISTINCT owner_id, month FROM ({pairs}) AS p (owner_id, month)) AS f
          ON c.owner_id = f.owner_id AND c.month = f.month
        WHERE c.is_stacked
        ORDER BY c.owner_id, c.month, c.visibility, c.is_favorite, c.is_trashed, c.type
        FOR UPDATE OF c;
        WITH affected AS MATERIALIZED (
            SELECT DISTINCT owner_id, month FROM ({pairs}) AS p (owner_id, month)
        ), counted AS MATERIALIZED (
            SELECT f.owner_id, f.month, a.visibility, a.is_favorite, a.deleted_at IS NOT NULL AS is_trashed,
                   a.type, count(*) AS primaries
            FROM affected f
            JOIN asset a ON a.owner_id = f.owner_id
                AND a.local_date_time >= f.month::timestamp AT TIME ZONE 'UTC'
                AND a.local_date_time < (f.month + interval '1 month') AT TIME ZONE 'UTC'
            JOIN stack s ON s.id = a.stack_id AND s.primary_asset_id = a.id
            GROUP BY 1, 2, 3, 4, 5, 6
        )
        UPDATE asset_month_count c
        SET primaries = coalesce((
            SELECT r.primaries FROM counted r
            WHERE (r.owner_id, r.month, r.visibility, r.is_favorite, r.is_trashed, r.type)
                = (c.owner_id, c.month, c.visibility, c.is_favorite, c.is_trashed, c.type)
        ), 0)
        FROM affected f
        WHERE c.owner_id = f.owner_id AND c.month = f.month AND c.is_stacked;
    """


#: What moves an asset between count groups, or in or out of a stack.
COUNTED = "owner_id, local_date_time, visibility, is_favorite, deleted_at IS NULL, type, stack_id"


def _counted(alias: str) -> str:
    return "(" + ", ".join(f"{alias}.{column.strip()}" for column in COUNTED.split(",")) + ")"


ASSET_PAIRS = {
    "INSERT": f"SELECT n.owner_id, {MONTH.format(a='n')} FROM new_rows n WHERE n.stack_id IS NOT NULL",
    "UPDATE": f"""
        SELECT x.owner_id, x.month
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (o.owner_id, {MONTH.format(a="o")}), (n.owner_id, {MONTH.format(a="n")}))
            AS x (owner_id, month)
        WHERE (o.stack_id IS NOT NULL OR n.stack_id IS NOT NULL)
          AND {_counted("o")} IS DISTINCT FROM {_counted("n")}
    """,
    "DELETE": f"SELECT o.owner_id, {MONTH.format(a='o')} FROM old_rows o WHERE o.stack_id IS NOT NULL",
}

PRIMARIES_ASSET_FUNCTION = f"""
CREATE FUNCTION albumen_asset_month_primaries_asset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_recount_primaries(ASSET_PAIRS["INSERT"])}
    ELSIF TG_OP = 'UPDATE' THEN
        {_recount_primaries(ASSET_PAIRS["UPDATE"])}
    ELSE
        {_recount_primaries(ASSET_PAIRS["DELETE"])}
    END IF;
    RETURN NULL;
END
$$
"""


def _stack_pairs(stacks: str) -> str:
    return (
        f"SELECT a.owner_id, {MONTH.format(a='a')} FROM {stacks} s "
        "JOIN asset a ON a.id = s.primary_asset_id AND a.stack_id = s.id"
    )


PRIMARIES_STACK_FUNCTION = f"""
CREATE FUNCTION albumen_asset_month_primaries_stack() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_recount_primaries(_stack_pairs("new_rows"))}
    ELSIF TG_OP = 'UPDATE' THEN
        {_recount_primaries(_stack_pairs("new_rows") + " UNION ALL " + _stack_pairs("old_rows"))}
    ELSE
        {_recount_primaries(_stack_pairs("old_rows"))}
    END IF;
    RETURN NULL;
END
$$
"""

BACKFILL_PRIMARIES = f"""
    UPDATE asset_month_count c SET primaries = r.primaries
    FROM (
        SELECT a.owner_id, {MONTH.format(a="a")} AS month, a.visibility, a.is_favorite,
               a.deleted_at IS NOT NULL AS is_trashed, a.type, count(*) AS primaries
        FROM asset a JOIN stack s ON s.id = a.stack_id AND s.primary_asset_id = a.id
        GROUP BY 1, 2, 3, 4, 5, 6
    ) AS r
    WHERE (r.owner_id, r.month, r.visibility, r.is_favorite, r.is_trashed, r.type)
        = (c.owner_id, c.month, c.visibility, c.is_favorite, c.is_trashed, c.type)
      AND c.is_stacked
"""

TRIGGER_EVENTS = (
    ("INSERT", "NEW TABLE AS new_rows"),
    ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("DELETE", "OLD TABLE AS old_rows"),
)

# A change to asset_exif rewrites rows that belong to its asset (timeline, map marker); an asset
# update rewrites the same rows. Taking the asset's row lock first, as an asset update does, keeps
# one lock order: without it, metadata extraction (exif, then asset) and a concurrent trash or
# restore (asset, then its timeline row) deadlocked. Named to fire before the other exif triggers.
LOCK_ASSETS_FUNCTION = """
CREATE FUNCTION albumen_asset_exif_lock_assets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM asset WHERE id IN (SELECT asset_id FROM old_rows) ORDER BY id FOR NO KEY UPDATE;
    ELSE
        PERFORM 1 FROM asset WHERE id IN (SELECT asset_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "asset_timeline",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("visibility", sa.String(), nullable=False),
        sa.Column("is_favorite", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("stack_id", sa.UUID(), nullable=True),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("local_date_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("file_created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("live_photo_video_id", sa.UUID(), nullable=True),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("thumbhash", sa.Text(), nullable=True),
        sa.Column("created_at_text", sa.Text(), nullable=False),
        sa.Column("file_created_at_text", sa.Text(), nullable=False),
        sa.Column("local_offset_hours", sa.Float(), nullable=False),
        sa.Column("ratio", sa.Float(), nullable=False),
        sa.Column("projection_type", sa.String(), nullable=True),
        sa.Column("city", sa.String(), nullable=True),
        sa.Column("country", sa.String(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["id"], ["asset.id"], name="fk_asset_timeline_id_asset", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_asset_timeline"),
    )
    op.execute(RATIO_FUNCTION)
    op.execute(_insert_rows("asset"))
    # Covering: a month is read from the index alone (a few dozen pages, not a heap page per asset).
    op.execute(
        "CREATE INDEX ix_asset_timeline_owner_local_date_time ON asset_timeline (owner_id, local_date_time) "
        f"INCLUDE ({COVERED})"
    )
    op.execute("CREATE INDEX ix_asset_timeline_owner_created_at ON asset_timeline (owner_id, created_at)")
    # Statistics now, not when autovacuum gets round to it: until then the planner takes the filled
    # table for empty and its plans for a month of thousands of assets are poor.
    op.execute("ANALYZE asset_timeline")
    op.execute(LOCK_ASSETS_FUNCTION)
    for event, tables in TRIGGER_EVENTS:
        op.execute(
            f"CREATE TRIGGER asset_exif_lock_assets_{event.lower()} AFTER {event} ON asset_exif "
            f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION albumen_asset_exif_lock_assets()"
        )
    op.execute(ASSET_TRIGGER_FUNCTION)
    for event, tables in TRIGGER_EVENTS[:2]:
        op.execute(
            f"CREATE TRIGGER asset_timeline_{event.lower()} AFTER {event} ON asset "
            f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION albumen_asset_timeline_asset()"
        )
    op.execute(EXIF_TRIGGER_FUNCTION)
    for event, tables in TRIGGER_EVENTS:
        op.execute(
            f"CREATE TRIGGER asset_timeline_{event.lower()} AFTER {event} ON asset_exif "
            f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION albumen_asset_timeline_exif()"
        )

    op.add_column(
        "asset_month_count", sa.Column("primaries", sa.BigInteger(), nullable=False, server_default="0")
    )
    op.execute(BACKFILL_PRIMARIES)
    op.execute(PRIMARIES_ASSET_FUNCTION)
    op.execute(PRIMARIES_STACK_FUNCTION)
    # Named to fire after asset_month_count_* (same event, alphabetical): the group rows exist by then.
    for table in ("asset", "stack"):
        for event, tables in TRIGGER_EVENTS:
            op.execute(
                f"CREATE TRIGGER asset_month_primaries_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {tables} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION albumen_asset_month_primaries_{table}()"
            )


def downgrade() -> None:
    for table in ("asset", "stack"):
        for event, _ in TRIGGER_EVENTS:
            op.execute(f"DROP TRIGGER asset_month_primaries_{event.lower()} ON {table}")
        op.execute(f"DROP FUNCTION albumen_asset_month_primaries_{table}()")
    op.drop_column("asset_month_count", "primaries")
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER asset_timeline_{event} ON asset_exif")
    op.execute("DROP FUNCTION albumen_asset_timeline_exif()")
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER asset_timeline_{event} ON asset")
    op.execute("DROP FUNCTION albumen_asset_timeline_asset()")
    op.drop_table("asset_timeline")
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER asset_exif_lock_assets_{event} ON asset_exif")
    op.execute("DROP FUNCTION albumen_asset_exif_lock_assets()")
    op.execute("DROP FUNCTION albumen_timeline_ratio(integer, integer, integer, integer, text)")
