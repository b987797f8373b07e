"""Declarative base and the column habits every synced entity shares."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, MetaData, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: SQL function defined by the first migration; monotonic within a backend (see migration 0001).
UUID_V7 = text("albumen_uuid_v7()")
NOW = text("now()")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()"))


def created_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), nullable=False, server_default=NOW)


def updated_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), nullable=False, server_default=NOW)


def update_id() -> Mapped[uuid.UUID]:
    """The sync cursor: a UUIDv7 that the ``*_updated`` trigger renews on every UPDATE."""
    return mapped_column(UUID(as_uuid=True), nullable=False, server_default=UUID_V7, index=True)


def create_id() -> Mapped[uuid.UUID]:
    """A UUIDv7 set once on INSERT (no trigger renews it): when a share or membership began."""
    return mapped_column(UUID(as_uuid=True), nullable=False, server_default=UUID_V7)
