"""Indexes the sync stream's "changed since a checkpoint" queries use (migration 0008).

Each synced table is read as ``WHERE <owner> = :user AND update_id > :checkpoint ORDER BY update_id``
and each audit table as ``WHERE <owner> = :user AND id > :checkpoint ORDER BY id``; these composite
indexes make both an index range scan per user instead of a scan of everyone's rows.
"""

from __future__ import annotations

from sqlalchemy import Column, Index

from albumen.db.tables.albums import AlbumAsset, AlbumUser
from albumen.db.tables.assets import Asset
from albumen.db.tables.audit import AUDIT_TABLES
from albumen.db.tables.people import Person
from albumen.db.tables.sharing import Partner
from albumen.db.tables.tags import Stack

#: (name, table columns) of the synced tables' indexes
SYNCED_TABLE_INDEXES = (
    Index("ix_asset_owner_id_update_id", Asset.owner_id, Asset.update_id),
    Index("ix_stack_owner_id_update_id", Stack.owner_id, Stack.update_id),
    Index("ix_person_owner_id_update_id", Person.owner_id, Person.update_id),
    Index("ix_album_user_user_id_create_id", AlbumUser.user_id, AlbumUser.create_id),
    Index("ix_album_user_album_id_update_id", AlbumUser.album_id, AlbumUser.update_id),
    Index("ix_album_asset_album_id_update_id", AlbumAsset.album_id, AlbumAsset.update_id),
    Index("ix_partner_shared_with_id_create_id", Partner.shared_with_id, Partner.create_id),
)

#: audit table source -> the column a user's deletions are found by (then ordered by ``id``)
AUDIT_INDEX_COLUMNS: dict[str, tuple[str, ...]] = {
    "asset": ("owner_id",),
    "album": ("owner_id",),
    "album_user": ("user_id", "album_id"),
    "album_asset": ("album_id",),
    "partner": ("shared_with_id", "shared_by_id"),
    "stack": ("owner_id",),
    "person": ("owner_id",),
    "memory": ("owner_id",),
    "memory_asset": ("memory_id",),
    "user_metadata": ("user_id",),
}


def _audit_indexes() -> tuple[Index, ...]:
    indexes = []
    for source, columns in AUDIT_INDEX_COLUMNS.items():
        table = AUDIT_TABLES[source]
        for column in columns:
            id_column: Column[object] = table.c.id
            indexes.append(Index(f"ix_{table.name}_{column}_id", table.c[column], id_column))
    return tuple(indexes)


AUDIT_TABLE_INDEXES = _audit_indexes()
