"""machine learning: faces, people, OCR

pgvector's HNSW index needs a fixed dimension, while ``face_search.embedding`` holds both SFace (128-d)
and ArcFace (512-d) vectors: one partial expression index per dimension, which a query uses when it
filters on ``dim`` and casts the column the same way (see ``FaceRepository.search``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

FACE_DIMENSIONS = (128, 512)


def upgrade() -> None:
    for dim in FACE_DIMENSIONS:
        op.execute(
            f"CREATE INDEX ix_face_search_embedding_{dim} ON face_search "
            f"USING hnsw ((embedding::vector({dim})) vector_cosine_ops) "
            f"WITH (m = 16, ef_construction = 300) WHERE dim = {dim}"
        )
    # Faces the clustering still has to place (the nightly run reads them) and each person's faces.
    op.execute(
        "CREATE INDEX ix_asset_face_unassigned ON asset_face (id) "
        "WHERE person_id IS NULL AND source_type = 'machine-learning' AND deleted_at IS NULL"
    )
    op.execute("CREATE INDEX ix_person_owner_hidden ON person (owner_id, is_hidden)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_person_owner_hidden")
    op.execute("DROP INDEX IF EXISTS ix_asset_face_unassigned")
    for dim in FACE_DIMENSIONS:
        op.execute(f"DROP INDEX IF EXISTS ix_face_search_embedding_{dim}")
