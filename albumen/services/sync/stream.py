"""The sync stream's body: each requested type in Immich's order, deletions before changes.

Rows are read a page at a time (``read_pages``) and written a page at a time, so memory stays
bounded by the page size whatever the library's size (NOTES.md §3.4).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from albumen.db.engine import Database
from albumen.db.repositories.sync import KeysetQuery, SyncCheckpointRepository, read_all, read_pages
from albumen.db.repositories.sync_queries import Backfill, SyncQueries
from albumen.dto.sync import SyncEntityType as E
from albumen.dto.sync import SyncRequestType as R
from albumen.services.sync.lines import COMPLETE, Ack, control_line, encode_page

#: Immich's ``SYNC_TYPES_ORDER``: a client may rely on parents (users, albums) arriving first.
SYNC_TYPES_ORDER = (
    R.AUTH_USERS_V1,
    R.USERS_V1,
    R.PARTNERS_V1,
    R.ASSETS_V1,
    R.ASSETS_V2,
    R.STACKS_V1,
    R.PARTNER_ASSETS_V1,
    R.PARTNER_ASSETS_V2,
    R.PARTNER_STACKS_V1,
    R.ALBUM_ASSETS_V1,
    R.ALBUM_ASSETS_V2,
    R.ALBUMS_V1,
    R.ALBUMS_V2,
    R.ALBUM_USERS_V1,
    R.ALBUM_TO_ASSETS_V1,
    R.ASSET_EXIFS_V1,
    R.ALBUM_ASSET_EXIFS_V1,
    R.ASSET_OCR_V1,
    R.PARTNER_ASSET_EXIFS_V1,
    R.MEMORIES_V1,
    R.MEMORY_TO_ASSETS_V1,
    R.PEOPLE_V1,
    R.ASSET_FACES_V1,
    R.ASSET_FACES_V2,
    R.USER_METADATA_V1,
    R.ASSET_METADATA_V1,
    R.ASSET_EDITS_V1,
)

#: Request types Immich 3.x refuses (400) in favour of their V2.
DEPRECATED = {
    R.ASSETS_V1: R.ASSETS_V2,
    R.PARTNER_ASSETS_V1: R.PARTNER_ASSETS_V2,
    R.ALBUM_ASSETS_V1: R.ALBUM_ASSETS_V2,
    R.ASSET_FACES_V1: R.ASSET_FACES_V2,
}

Chunks = AsyncIterator[bytes]
BackfillQuery = Callable[[uuid.UUID, Backfill], KeysetQuery]


@dataclass
class SyncStream:
    database: Database
    session_id: uuid.UUID
    queries: SyncQueries
    checkpoints: dict[str, Ack]
    page_size: int

    async def lines(self, types: set[R]) -> Chunks:
        for request_type in SYNC_TYPES_ORDER:
            if request_type in types:
                async for chunk in self._handlers()[request_type]():
                    yield chunk
        yield control_line(E.SYNC_COMPLETE_V1, f"{E.SYNC_COMPLETE_V1}|{self.queries.now_id}")

    def _handlers(self) -> dict[R, Callable[[], Chunks]]:
        q = self.queries
        return {
            R.AUTH_USERS_V1: lambda: self._changes(E.AUTH_USER_V1, q.auth_users),
            R.USERS_V1: lambda: self._pair(E.USER_DELETE_V1, q.user_deletes, E.USER_V1, q.users),
            R.PARTNERS_V1: lambda: self._pair(
                E.PARTNER_DELETE_V1, q.partner_deletes, E.PARTNER_V1, q.partners
            ),
            R.ASSETS_V2: lambda: self._pair(E.ASSET_DELETE_V1, q.asset_deletes, E.ASSET_V2, q.assets),
            R.STACKS_V1: lambda: self._pair(E.STACK_DELETE_V1, q.stack_deletes, E.STACK_V1, q.stacks),
            R.PARTNER_ASSETS_V2: lambda: self._family(
                (E.PARTNER_ASSET_DELETE_V1, q.partner_asset_deletes),
                E.PARTNER_ASSET_BACKFILL_V2,
                q.partner_asset_backfill,
                E.PARTNER_ASSET_V2,
                q.partner_assets,
                albums=False,
            ),
            R.PARTNER_STACKS_V1: lambda: self._family(
                (E.PARTNER_STACK_DELETE_V1, q.partner_stack_deletes),
                E.PARTNER_STACK_BACKFILL_V1,
                q.partner_stack_backfill,
                E.PARTNER_STACK_V1,
                q.partner_stacks,
                albums=False,
            ),
            R.ALBUM_ASSETS_V2: lambda: self._album_contents(
                E.ALBUM_ASSET_BACKFILL_V2,
                q.album_asset_backfill,
                E.ALBUM_ASSET_UPDATE_V2,
                q.album_asset_updates,
                E.ALBUM_ASSET_CREATE_V2,
                q.album_asset_creates,
            ),
            R.ALBUMS_V1: lambda: self._pair(
                E.ALBUM_DELETE_V1, q.album_deletes, E.ALBUM_V1, lambda s: q.albums(s, with_owner=True)
            ),
            R.ALBUMS_V2: lambda: self._pair(
                E.ALBUM_DELETE_V1, q.album_deletes, E.ALBUM_V2, lambda s: q.albums(s, with_owner=False)
            ),
            R.ALBUM_USERS_V1: lambda: self._family(
                (E.ALBUM_USER_DELETE_V1, q.album_user_deletes),
                E.ALBUM_USER_BACKFILL_V1,
                q.album_user_backfill,
                E.ALBUM_USER_V1,
                q.album_users,
                albums=True,
            ),
            R.ALBUM_TO_ASSETS_V1: lambda: self._family(
                (E.ALBUM_TO_ASSET_DELETE_V1, q.album_to_asset_deletes),
                E.ALBUM_TO_ASSET_BACKFILL_V1,
                q.album_to_asset_backfill,
                E.ALBUM_TO_ASSET_V1,
                q.album_to_assets,
                albums=True,
            ),
            R.ASSET_EXIFS_V1: lambda: self._changes(E.ASSET_EXIF_V1, q.asset_exifs),
            R.ALBUM_ASSET_EXIFS_V1: lambda: self._album_contents(
                E.ALBUM_ASSET_EXIF_BACKFILL_V1,
                q.album_exif_backfill,
                E.ALBUM_ASSET_EXIF_UPDATE_V1,
                q.album_exif_updates,
                E.ALBUM_ASSET_EXIF_CREATE_V1,
                q.album_exif_creates,
            ),
            R.ASSET_OCR_V1: lambda: self._pair(
                E.ASSET_OCR_DELETE_V1, q.asset_ocr_deletes, E.ASSET_OCR_V1, q.asset_ocrs
            ),
            R.PARTNER_ASSET_EXIFS_V1: lambda: self._family(
                None,
                E.PARTNER_ASSET_EXIF_BACKFILL_V1,
                q.partner_exif_backfill,
                E.PARTNER_ASSET_EXIF_V1,
                q.partner_exifs,
                albums=False,
            ),
            R.MEMORIES_V1: lambda: self._pair(E.MEMORY_DELETE_V1, q.memory_deletes, E.MEMORY_V1, q.memories),
            R.MEMORY_TO_ASSETS_V1: lambda: self._pair(
                E.MEMORY_TO_ASSET_DELETE_V1, q.memory_asset_deletes, E.MEMORY_TO_ASSET_V1, q.memory_assets
            ),
            R.PEOPLE_V1: lambda: self._pair(E.PERSON_DELETE_V1, q.person_deletes, E.PERSON_V1, q.people),
            R.ASSET_FACES_V2: lambda: self._pair(
                E.ASSET_FACE_DELETE_V1, q.asset_face_deletes, E.ASSET_FACE_V2, q.asset_faces
            ),
            R.USER_METADATA_V1: lambda: self._pair(
                E.USER_METADATA_DELETE_V1, q.user_metadata_deletes, E.USER_METADATA_V1, q.user_metadata
            ),
            R.ASSET_METADATA_V1: lambda: self._pair(
                E.ASSET_METADATA_DELETE_V1, q.asset_metadata_deletes, E.ASSET_METADATA_V1, q.asset_metadata
            ),
            R.ASSET_EDITS_V1: lambda: self._pair(
                E.ASSET_EDIT_DELETE_V1, q.asset_edit_deletes, E.ASSET_EDIT_V1, q.asset_edits
            ),
        }

    # --- building blocks ---------------------------------------------------------------------------

    def _start(self, kind: E) -> uuid.UUID | None:
        checkpoint = self.checkpoints.get(kind)
        return checkpoint.position if checkpoint is not None else None

    async def _rows(self, kind: E, source: KeysetQuery, ack_prefix: str | None = None) -> Chunks:
        prefix = ack_prefix if ack_prefix is not None else f"{kind}|"
        async for page in read_pages(self.database, source, self.page_size):
            yield encode_page(kind, page, prefix)

    def _changes(self, kind: E, query: Callable[[uuid.UUID | None], KeysetQuery]) -> Chunks:
        """Rows changed since the client's checkpoint of ``kind`` (deletions read from audit tables)."""
        return self._rows(kind, query(self._start(kind)))

    async def _pair(
        self,
        delete_kind: E,
        deletes: Callable[[uuid.UUID | None], KeysetQuery],
        upsert_kind: E,
        upserts: Callable[[uuid.UUID | None], KeysetQuery],
    ) -> Chunks:
        async for chunk in self._changes(delete_kind, deletes):
            yield chunk
        async for chunk in self._changes(upsert_kind, upserts):
            yield chunk

    async def _backfill(
        self, kind: E, parents: list[tuple[str, str]], query: BackfillQuery, end_kind: E
    ) -> Chunks:
        """Rows of partners/albums that became visible after the client's ``end_kind`` checkpoint.

        Without that checkpoint the client is syncing from scratch and the ordinary changes carry
        everything, so the backfill is simply marked complete up to the newest parent.
        """
        progress = self.checkpoints.get(kind)
        end = self.checkpoints.get(end_kind)
        if end is None:
            if parents:
                ack = f"{kind}|{parents[-1][1]}|{COMPLETE}"
                async with self.database.session() as session:
                    await SyncCheckpointRepository(session).upsert(self.session_id, {kind: ack})
                    await session.commit()
            return
        for parent_id, create_id in parents:
            resuming = progress is not None and progress.update_id == create_id
            if resuming and progress is not None and progress.extra == COMPLETE:
                continue
            after = progress.extra if resuming and progress is not None else None
            range_ = Backfill(after=uuid.UUID(after) if after else None, until=end.position)
            async for chunk in self._rows(kind, query(uuid.UUID(parent_id), range_), f"{kind}|{create_id}|"):
                yield chunk
            yield control_line(E.SYNC_ACK_V1, f"{kind}|{create_id}|{COMPLETE}")

    async def _parents(self, kind: E, *, albums: bool) -> list[tuple[str, str]]:
        progress = self.checkpoints.get(kind)
        after = progress.position if progress is not None else None
        query = self.queries.album_parents(after) if albums else self.queries.partner_parents(after)
        return [(row["id"], row["create_id"]) for row in await read_all(self.database, query)]

    async def _family(
        self,
        deleted: tuple[E, Callable[[uuid.UUID | None], KeysetQuery]] | None,
        backfill_kind: E,
        backfill: BackfillQuery,
        upsert_kind: E,
        upserts: Callable[[uuid.UUID | None], KeysetQuery],
        *,
        albums: bool,
    ) -> Chunks:
        """Deletions, then the backfill of partners (or albums) newly visible, then changes."""
        if deleted is not None:
            async for chunk in self._changes(*deleted):
                yield chunk
        parents = await self._parents(backfill_kind, albums=albums)
        async for chunk in self._backfill(backfill_kind, parents, backfill, upsert_kind):
            yield chunk
        async for chunk in self._changes(upsert_kind, upserts):
            yield chunk

    async def _album_contents(
        self,
        backfill_kind: E,
        backfill: BackfillQuery,
        update_kind: E,
        updates: Callable[[uuid.UUID | None, uuid.UUID], KeysetQuery],
        create_kind: E,
        creates: Callable[[uuid.UUID | None], KeysetQuery],
    ) -> Chunks:
        """Album assets (or their exif): backfill, then changes to ones the client has, then new ones.

        Newly added ones carry current data, so before the first of them the update checkpoint
        moves to ``now`` (a ``SyncAckV1`` line), as Immich does.
        """
        created = self.checkpoints.get(create_kind)
        parents = await self._parents(backfill_kind, albums=True)
        async for chunk in self._backfill(backfill_kind, parents, backfill, create_kind):
            yield chunk
        if created is not None:
            async for chunk in self._rows(update_kind, updates(self._start(update_kind), created.position)):
                yield chunk
        first = True
        async for chunk in self._rows(create_kind, creates(self._start(create_kind))):
            if first:
                yield control_line(E.SYNC_ACK_V1, f"{update_kind}|{self.queries.now_id}")
                first = False
            yield chunk
