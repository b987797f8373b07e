"""Client events too large for a NOTIFY payload, kept briefly for the API processes to read."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from albumen.db.tables.base import Base, created_at, uuid_pk


class ClientEvent(Base):
    __tablename__ = "client_event"
    __table_args__ = (Index("ix_client_event_created_at", "created_at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = created_at()


__all__ = ["ClientEvent"]
