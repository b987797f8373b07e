"""machine learning: CLIP smart search, perceptual hashes, duplicates

``smart_search.embedding`` is a dimensionless ``vector`` with its size in ``dim`` (models differ), so
each CLIP size gets its own HNSW index over ``embedding::vector(N)`` limited to ``dim = N``; queries
use the same cast and filter, which lets the planner pick the index.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

#: The embedding sizes of Immich's CLIP models (``CLIP_MODEL_INFO``, NOTES.md §5); frozen here.
CLIP_DIMENSIONS = (512, 640, 768, 1024, 1152, 1536)
BANDS = 4


def upgrade() -> None:
    for dim in CLIP_DIMENSIONS:
        op.execute(
            f"CREATE INDEX ix_smart_search_embedding_{dim} ON smart_search "
            f"USING hnsw ((embedding::vector({dim})) vector_cosine_ops) WHERE dim = {dim}"
        )
    op.create_table(
        "asset_phash",
        sa.Column("asset_id", sa.UUID(), nullable=False),
        sa.Column("hash", sa.BigInteger(), nullable=False),
        *(sa.Column(f"band{index}", sa.Integer(), nullable=False) for index in range(BANDS)),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_asset_phash_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("asset_id", name=op.f("pk_asset_phash")),
    )
    for index in range(BANDS):
        op.create_index(f"ix_asset_phash_band{index}", "asset_phash", [f"band{index}"])
    op.create_index(
        "ix_asset_owner_duplicate_id",
        "asset",
        ["owner_id", "duplicate_id"],
        postgresql_where=sa.text("duplicate_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_asset_owner_duplicate_id", table_name="asset")
    op.drop_table("asset_phash")
    for dim in CLIP_DIMENSIONS:
        op.execute(f"DROP INDEX IF EXISTS ix_smart_search_embedding_{dim}")
