"""The durable job queue (see docs/decisions/job-queue.md): jobs, per-queue pause flags, cron ticks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Identity,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from albumen.db.tables.base import NOW, Base, created_at

#: Stored states; Immich's ``delayed`` and ``paused`` are derived (a waiting job not yet due, a waiting job
#: of a paused queue), so pausing or a retry's backoff never needs a mass UPDATE.
JOB_STATUSES = ("waiting", "active", "completed", "failed")


class Job(Base):
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=False), primary_key=True)
    queue: Mapped[str] = mapped_column(String, nullable=False)
    name: Mapped[str] = mapped_column(String, nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    status: Mapped[str] = mapped_column(String, nullable=False, server_default=text("'waiting'"))
    dedupe_key: Mapped[str | None] = mapped_column(String)
    priority: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=NOW)
    created_at: Mapped[datetime] = created_at()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_by: Mapped[str | None] = mapped_column(String)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'active', 'completed', 'failed')", name="status"),
        Index(
            "uq_job_name_dedupe_key_pending",
            "name",
            "dedupe_key",
            unique=True,
            postgresql_where=text("dedupe_key IS NOT NULL AND status IN ('waiting', 'active')"),
        ),
        Index(
            "ix_job_claim",
            "queue",
            text("priority DESC"),
            "run_at",
            "id",
            postgresql_where=text("status = 'waiting'"),
        ),
        Index("ix_job_queue_status", "queue", "status"),
        Index("ix_job_locked_until", "locked_until", postgresql_where=text("status = 'active'")),
        Index("ix_job_finished_at", "finished_at", postgresql_where=text("status = 'completed'")),
    )


class JobQueue(Base):
    """One row per queue that has ever been paused; a missing row means running."""

    __tablename__ = "job_queue"

    name: Mapped[str] = mapped_column(String, primary_key=True)
    is_paused: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))


class JobScheduleTick(Base):
    """A cron tick that has fired: the primary key makes each (task, tick) fire once across processes."""

    __tablename__ = "job_schedule_tick"

    task: Mapped[str] = mapped_column(String, primary_key=True)
    tick: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    created_at: Mapped[datetime] = created_at()


__all__ = ["JOB_STATUSES", "Job", "JobQueue", "JobScheduleTick"]
