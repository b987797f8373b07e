"""What each sync entity type reads: changes, deletions (audit rows) and backfills, per user.

Every builder returns a :class:`KeysetQuery` bounded above by the stream's ``now_id`` and starting
after the client's checkpoint; :func:`albumen.db.repositories.sync.read_pages` pages through it.
Scoping follows Immich: own rows; partners' assets, exif and stacks for whom they share with; album
rows for every member of the album.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, union_all

from albumen.db.repositories import sync_columns as columns
from albumen.db.repositories.sync import KeysetQuery
from albumen.db.tables import (
    Album,
    AlbumAsset,
    AlbumUser,
    Asset,
    AssetEdit,
    AssetExif,
    AssetFace,
    AssetMetadata,
    AssetOcr,
    Memory,
    MemoryAsset,
    Partner,
    Person,
    Stack,
    User,
    UserMetadata,
)
from albumen.db.tables.audit import AUDIT_TABLES

text_of = columns.text_of


@dataclass(frozen=True)
class Backfill:
    """The rows of one parent (a partner, an album) up to the checkpoint the client already holds."""

    after: uuid.UUID | None
    until: uuid.UUID


@dataclass(frozen=True)
class SyncQueries:
    user_id: uuid.UUID
    now_id: uuid.UUID

    # --- helpers ---------------------------------------------------------------------------------

    def _changes(self, query: Select[Any], key: Any, start: uuid.UUID | None, tie: Any = None) -> KeysetQuery:
        return KeysetQuery(query.where(key < self.now_id), key, tie, start)

    def _backfill(self, query: Select[Any], key: Any, range_: Backfill) -> KeysetQuery:
        return KeysetQuery(query.where(key < self.now_id, key <= range_.until), key, None, range_.after)

    def _deletes(
        self, source: str, data: list[tuple[str, str]], start: uuid.UUID | None, *where: Any
    ) -> KeysetQuery:
        audit = AUDIT_TABLES[source]
        selected = [text_of(audit.c[column]).label(name) for name, column in data]
        return self._changes(select(*selected).where(*where), audit.c.id, start)

    def _partners(self) -> Select[Any]:
        return select(Partner.shared_by_id).where(Partner.shared_with_id == self.user_id)

    def _my_albums(self) -> Select[Any]:
        return select(AlbumUser.album_id).where(AlbumUser.user_id == self.user_id)

    def _own_asset(self, asset_id: Any) -> Any:
        return exists().where(Asset.id == asset_id, Asset.owner_id == self.user_id)

    def _album_favorite(self) -> ColumnElement[Any]:
        return and_(Asset.owner_id == self.user_id, Asset.is_favorite)

    # --- parents of backfills ----------------------------------------------------------------------

    def partner_parents(self, after_create_id: uuid.UUID | None) -> Select[Any]:
        """(parent id, create id) of partners sharing with the user, oldest share first."""
        query = select(
            text_of(Partner.shared_by_id).label("id"), text_of(Partner.create_id).label("create_id")
        )
        query = query.where(Partner.shared_with_id == self.user_id, Partner.create_id < self.now_id)
        if after_create_id is not None:
            query = query.where(Partner.create_id >= after_create_id)
        return query.order_by(Partner.create_id)

    def album_parents(self, after_create_id: uuid.UUID | None) -> Select[Any]:
        """(album id, create id) of the user's album memberships, oldest first."""
        query = select(
            text_of(AlbumUser.album_id).label("id"), text_of(AlbumUser.create_id).label("create_id")
        )
        query = query.where(AlbumUser.user_id == self.user_id, AlbumUser.create_id < self.now_id)
        if after_create_id is not None:
            query = query.where(AlbumUser.create_id >= after_create_id)
        return query.order_by(AlbumUser.create_id)

    # --- users and partners ------------------------------------------------------------------------

    def auth_users(self, start: uuid.UUID | None) -> KeysetQuery:
        return self._changes(
            select(*columns.auth_user_v1()).where(User.id == self.user_id), User.update_id, start
        )

    def users(self, start: uuid.UUID | None) -> KeysetQuery:
        return self._changes(select(*columns.user_v1()), User.update_id, start)

    def user_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        return self._deletes("user", [("userId", "user_id")], start)

    def partners(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(
            text_of(Partner.shared_by_id).label("sharedById"),
            text_of(Partner.shared_with_id).label("sharedWithId"),
            Partner.in_timeline.label("inTimeline"),
        ).where(or_(Partner.shared_by_id == self.user_id, Partner.shared_with_id == self.user_id))
        return self._changes(query, Partner.update_id, start)

    def partner_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["partner"]
        mine = or_(audit.c.shared_by_id == self.user_id, audit.c.shared_with_id == self.user_id)
        return self._deletes(
            "partner", [("sharedById", "shared_by_id"), ("sharedWithId", "shared_with_id")], start, mine
        )

    # --- assets, own and partners' -----------------------------------------------------------------

    def assets(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.asset_v2(Asset.is_favorite)).where(Asset.owner_id == self.user_id)
        return self._changes(query, Asset.update_id, start)

    def asset_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["asset"]
        return self._deletes("asset", [("assetId", "asset_id")], start, audit.c.owner_id == self.user_id)

    def partner_assets(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.asset_v2(columns.not_favorite())).where(Asset.owner_id.in_(self._partners()))
        return self._changes(query, Asset.update_id, start)

    def partner_asset_backfill(self, partner_id: uuid.UUID, range_: Backfill) -> KeysetQuery:
        query = select(*columns.asset_v2(columns.not_favorite())).where(Asset.owner_id == partner_id)
        return self._backfill(query, Asset.update_id, range_)

    def partner_asset_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["asset"]
        return self._deletes(
            "asset", [("assetId", "asset_id")], start, audit.c.owner_id.in_(self._partners())
        )

    def asset_exifs(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.asset_exif()).join(Asset, Asset.id == AssetExif.asset_id)
        return self._changes(query.where(Asset.owner_id == self.user_id), AssetExif.update_id, start)

    def partner_exifs(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.asset_exif()).join(Asset, Asset.id == AssetExif.asset_id)
        return self._changes(query.where(Asset.owner_id.in_(self._partners())), AssetExif.update_id, start)

    def partner_exif_backfill(self, partner_id: uuid.UUID, range_: Backfill) -> KeysetQuery:
        query = select(*columns.asset_exif()).join(Asset, Asset.id == AssetExif.asset_id)
        return self._backfill(query.where(Asset.owner_id == partner_id), AssetExif.update_id, range_)

    def stacks(self, start: uuid.UUID | None) -> KeysetQuery:
        return self._changes(
            select(*columns.stack()).where(Stack.owner_id == self.user_id), Stack.update_id, start
        )

    def stack_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["stack"]
        return self._deletes("stack", [("stackId", "stack_id")], start, audit.c.owner_id == self.user_id)

    def partner_stacks(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.stack()).where(Stack.owner_id.in_(self._partners()))
        return self._changes(query, Stack.update_id, start)

    def partner_stack_backfill(self, partner_id: uuid.UUID, range_: Backfill) -> KeysetQuery:
        query = select(*columns.stack()).where(Stack.owner_id == partner_id)
        return self._backfill(query, Stack.update_id, range_)

    def partner_stack_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["stack"]
        return self._deletes(
            "stack", [("stackId", "stack_id")], start, audit.c.owner_id.in_(self._partners())
        )

    # --- albums --------------------------------------------------------------------------------------

    def albums(self, start: uuid.UUID | None, *, with_owner: bool) -> KeysetQuery:
        selected = columns.album_v1() if with_owner else columns.album_v2()
        query = select(*selected).where(Album.id.in_(self._my_albums()))
        return self._changes(query, Album.update_id, start)

    def album_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        """Albums the user lost: deleted, or the user was removed from them (Immich's ``AlbumDeleteV1``)."""
        left = AUDIT_TABLES["album_user"]
        deleted = AUDIT_TABLES["album"]
        gone = union_all(
            select(left.c.id, left.c.album_id).where(left.c.user_id == self.user_id),
            select(deleted.c.id, deleted.c.album_id).where(
                deleted.c.owner_id == self.user_id,
                ~exists().where(left.c.album_id == deleted.c.album_id, left.c.user_id == self.user_id),
            ),
        ).subquery()
        return self._changes(select(text_of(gone.c.album_id).label("albumId")), gone.c.id, start)

    def album_users(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.album_user()).where(AlbumUser.album_id.in_(self._my_albums()))
        return self._changes(query, AlbumUser.update_id, start)

    def album_user_backfill(self, album_id: uuid.UUID, range_: Backfill) -> KeysetQuery:
        query = select(*columns.album_user()).where(AlbumUser.album_id == album_id)
        return self._backfill(query, AlbumUser.update_id, range_)

    def album_user_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["album_user"]
        data = [("albumId", "album_id"), ("userId", "user_id")]
        return self._deletes("album_user", data, start, audit.c.album_id.in_(self._my_albums()))

    def album_asset_backfill(self, album_id: uuid.UUID, range_: Backfill) -> KeysetQuery:
        query = select(*columns.asset_v2(self._album_favorite())).join(
            AlbumAsset, AlbumAsset.asset_id == Asset.id
        )
        return self._backfill(query.where(AlbumAsset.album_id == album_id), AlbumAsset.update_id, range_)

    def album_asset_updates(self, start: uuid.UUID | None, known_until: uuid.UUID) -> KeysetQuery:
        """Changes to assets of the user's albums that the client already received as creates."""
        query = select(*columns.asset_v2(self._album_favorite())).join(
            AlbumAsset, AlbumAsset.asset_id == Asset.id
        )
        query = query.where(AlbumAsset.album_id.in_(self._my_albums()), AlbumAsset.update_id <= known_until)
        return self._changes(query, Asset.update_id, start, AlbumAsset.album_id)

    def album_asset_creates(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.asset_v2(self._album_favorite())).join(
            AlbumAsset, AlbumAsset.asset_id == Asset.id
        )
        return self._changes(
            query.where(AlbumAsset.album_id.in_(self._my_albums())), AlbumAsset.update_id, start
        )

    def album_exif_backfill(self, album_id: uuid.UUID, range_: Backfill) -> KeysetQuery:
        query = select(*columns.asset_exif()).join(AlbumAsset, AlbumAsset.asset_id == AssetExif.asset_id)
        return self._backfill(query.where(AlbumAsset.album_id == album_id), AlbumAsset.update_id, range_)

    def album_exif_updates(self, start: uuid.UUID | None, known_until: uuid.UUID) -> KeysetQuery:
        query = select(*columns.asset_exif()).join(AlbumAsset, AlbumAsset.asset_id == AssetExif.asset_id)
        query = query.where(AlbumAsset.album_id.in_(self._my_albums()), AlbumAsset.update_id <= known_until)
        return self._changes(query, AssetExif.update_id, start, AlbumAsset.album_id)

    def album_exif_creates(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.asset_exif()).join(AlbumAsset, AlbumAsset.asset_id == AssetExif.asset_id)
        return self._changes(
            query.where(AlbumAsset.album_id.in_(self._my_albums())), AlbumAsset.update_id, start
        )

    def _album_to_asset(self) -> Select[Any]:
        return select(
            text_of(AlbumAsset.album_id).label("albumId"), text_of(AlbumAsset.asset_id).label("assetId")
        )

    def album_to_assets(self, start: uuid.UUID | None) -> KeysetQuery:
        query = self._album_to_asset().where(AlbumAsset.album_id.in_(self._my_albums()))
        return self._changes(query, AlbumAsset.update_id, start)

    def album_to_asset_backfill(self, album_id: uuid.UUID, range_: Backfill) -> KeysetQuery:
        query = self._album_to_asset().where(AlbumAsset.album_id == album_id)
        return self._backfill(query, AlbumAsset.update_id, range_)

    def album_to_asset_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["album_asset"]
        data = [("albumId", "album_id"), ("assetId", "asset_id")]
        return self._deletes("album_asset", data, start, audit.c.album_id.in_(self._my_albums()))

    # --- memories, people and asset details ------------------------------------------------------

    def memories(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.memory()).where(Memory.owner_id == self.user_id)
        return self._changes(query, Memory.update_id, start)

    def memory_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["memory"]
        return self._deletes("memory", [("memoryId", "memory_id")], start, audit.c.owner_id == self.user_id)

    def memory_assets(self, start: uuid.UUID | None) -> KeysetQuery:
        mine = select(Memory.id).where(Memory.owner_id == self.user_id)
        query = select(
            text_of(MemoryAsset.memory_id).label("memoryId"), text_of(MemoryAsset.asset_id).label("assetId")
        ).where(MemoryAsset.memory_id.in_(mine))
        return self._changes(query, MemoryAsset.update_id, start)

    def memory_asset_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["memory_asset"]
        mine = audit.c.memory_id.in_(select(Memory.id).where(Memory.owner_id == self.user_id))
        return self._deletes(
            "memory_asset", [("memoryId", "memory_id"), ("assetId", "asset_id")], start, mine
        )

    def people(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.person()).where(Person.owner_id == self.user_id)
        return self._changes(query, Person.update_id, start)

    def person_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["person"]
        return self._deletes("person", [("personId", "person_id")], start, audit.c.owner_id == self.user_id)

    def asset_faces(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.asset_face_v2()).where(self._own_asset(AssetFace.asset_id))
        return self._changes(query, AssetFace.update_id, start)

    def asset_face_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["asset_face"]
        mine = self._own_asset(audit.c.asset_id)
        return self._deletes("asset_face", [("assetFaceId", "asset_face_id")], start, mine)

    def user_metadata(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.user_metadata()).where(UserMetadata.user_id == self.user_id)
        return self._changes(query, UserMetadata.update_id, start)

    def user_metadata_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["user_metadata"]
        data = [("userId", "user_id"), ("key", "key")]
        return self._deletes("user_metadata", data, start, audit.c.user_id == self.user_id)

    def asset_metadata(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.asset_metadata()).where(self._own_asset(AssetMetadata.asset_id))
        return self._changes(query, AssetMetadata.update_id, start)

    def asset_metadata_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["asset_metadata"]
        data = [("assetId", "asset_id"), ("key", "key")]
        return self._deletes("asset_metadata", data, start, self._own_asset(audit.c.asset_id))

    def asset_edits(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.asset_edit()).where(self._own_asset(AssetEdit.asset_id))
        return self._changes(query, AssetEdit.update_id, start)

    def asset_edit_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["asset_edit"]
        return self._deletes(
            "asset_edit", [("editId", "asset_edit_id")], start, self._own_asset(audit.c.asset_id)
        )

    def asset_ocrs(self, start: uuid.UUID | None) -> KeysetQuery:
        query = select(*columns.asset_ocr()).where(self._own_asset(AssetOcr.asset_id))
        return self._changes(query, AssetOcr.update_id, start)

    def asset_ocr_deletes(self, start: uuid.UUID | None) -> KeysetQuery:
        audit = AUDIT_TABLES["asset_ocr"]
        query = select(
            text_of(audit.c.asset_ocr_id).label("id"),
            text_of(audit.c.asset_id).label("assetId"),
            columns.iso(audit.c.deleted_at).label("deletedAt"),
        ).where(self._own_asset(audit.c.asset_id))
        return self._changes(query, audit.c.id, start)
