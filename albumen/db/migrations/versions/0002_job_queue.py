"""Job queue: ``job``, ``job_queue`` (pause flags) and ``job_schedule_tick`` (cron ticks fired once).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("queue", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column(
            "data",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("status", sa.String(), server_default=sa.text("'waiting'"), nullable=False),
        sa.Column("dedupe_key", sa.String(), nullable=True),
        sa.Column("priority", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('waiting', 'active', 'completed', 'failed')", name="ck_job_status"),
        sa.PrimaryKeyConstraint("id", name="pk_job"),
    )
    # While a job is waiting or active, the same (name, dedupe key) cannot be queued again.
    op.create_index(
        "uq_job_name_dedupe_key_pending",
        "job",
        ["name", "dedupe_key"],
        unique=True,
        postgresql_where=sa.text("dedupe_key IS NOT NULL AND status IN ('waiting', 'active')"),
    )
    op.create_index(
        "ix_job_claim",
        "job",
        ["queue", sa.text("priority DESC"), "run_at", "id"],
        postgresql_where=sa.text("status = 'waiting'"),
    )
    op.create_index("ix_job_queue_status", "job", ["queue", "status"])
    op.create_index(
        "ix_job_locked_until", "job", ["locked_until"], postgresql_where=sa.text("status = 'active'")
    )
    op.create_index(
        "ix_job_finished_at", "job", ["finished_at"], postgresql_where=sa.text("status = 'completed'")
    )
    # A queue table churns: vacuum it when a few percent of its rows are dead, not the default 20 %.
    op.execute(
        "ALTER TABLE job SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02)"
    )

    op.create_table(
        "job_queue",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("is_paused", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_job_queue"),
    )
    op.create_table(
        "job_schedule_tick",
        sa.Column("task", sa.String(), nullable=False),
        sa.Column("tick", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("task", "tick", name="pk_job_schedule_tick"),
    )


def downgrade() -> None:
    op.drop_table("job_schedule_tick")
    op.drop_table("job_queue")
    op.drop_table("job")
