"""Audit tables: one row per deleted synced entity, written by an AFTER DELETE trigger.

The sync stream (NOTES.md §3.4) reads deletions from these, newest ``id`` (a UUIDv7) as the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Index, String, Table, text
from sqlalchemy.dialects.postgresql import UUID

from albumen.db.tables.base import UUID_V7, Base


@dataclass(frozen=True)
class AuditTable:
    source: str
    #: audit column -> expression over OLD in the trigger
    columns: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        return f"{self.source}_audit"


AUDITED_TABLES: tuple[AuditTable, ...] = (
    AuditTable("user", (("user_id", "OLD.id"),)),
    AuditTable("asset", (("asset_id", "OLD.id"), ("owner_id", "OLD.owner_id"))),
    AuditTable("album", (("album_id", "OLD.id"), ("owner_id", "OLD.owner_id"))),
    AuditTable("album_user", (("album_id", "OLD.album_id"), ("user_id", "OLD.user_id"))),
    AuditTable("album_asset", (("album_id", "OLD.album_id"), ("asset_id", "OLD.asset_id"))),
    AuditTable("partner", (("shared_by_id", "OLD.shared_by_id"), ("shared_with_id", "OLD.shared_with_id"))),
    AuditTable("stack", (("stack_id", "OLD.id"), ("owner_id", "OLD.owner_id"))),
    AuditTable("person", (("person_id", "OLD.id"), ("owner_id", "OLD.owner_id"))),
    AuditTable("asset_face", (("asset_face_id", "OLD.id"), ("asset_id", "OLD.asset_id"))),
    AuditTable("memory", (("memory_id", "OLD.id"), ("owner_id", "OLD.owner_id"))),
    AuditTable("memory_asset", (("memory_id", "OLD.memory_id"), ("asset_id", "OLD.asset_id"))),
    AuditTable("user_metadata", (("user_id", "OLD.user_id"),)),
    AuditTable("asset_metadata", (("asset_id", "OLD.asset_id"),)),
    AuditTable("asset_ocr", (("asset_ocr_id", "OLD.id"), ("asset_id", "OLD.asset_id"))),
    AuditTable("asset_edit", (("asset_edit_id", "OLD.id"), ("asset_id", "OLD.asset_id"))),
)
#: Tables keyed by (id, key) whose key is audited as text.
KEYED_AUDIT = {"user_metadata": "OLD.key", "asset_metadata": "OLD.key"}


def _audit_table(spec: AuditTable) -> Table:
    columns: list[Column[object]] = [
        Column(name, UUID(as_uuid=True), nullable=False) for name, _ in spec.columns
    ]
    if spec.source in KEYED_AUDIT:
        columns.append(Column("key", String, nullable=False))
    return Table(
        spec.name,
        Base.metadata,
        Column("id", UUID(as_uuid=True), primary_key=True, server_default=UUID_V7),
        *columns,
        Column(
            "deleted_at", DateTime(timezone=True), nullable=False, server_default=text("clock_timestamp()")
        ),
        Index(f"ix_{spec.name}_deleted_at", "deleted_at"),
    )


AUDIT_TABLES: dict[str, Table] = {spec.source: _audit_table(spec) for spec in AUDITED_TABLES}
