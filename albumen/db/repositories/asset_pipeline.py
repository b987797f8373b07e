"""Queries of the post-upload pipeline: derived files, live photos, metadata tags, template moves."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import (
    Album,
    AlbumAsset,
    Asset,
    AssetExif,
    AssetFile,
    AssetJobStatus,
    MoveHistory,
    TagAsset,
    User,
)


@dataclass(frozen=True)
class AlbumInfo:
    """The album the storage template names an asset after, with its date range."""

    name: str
    start_date: datetime | None
    end_date: datetime | None


class AssetPipelineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- loading ------------------------------------------------------------------------------------

    async def get_with_exif(self, asset_id: uuid.UUID) -> tuple[Asset, AssetExif | None] | None:
        query = (
            select(Asset, AssetExif)
            .outerjoin(AssetExif, AssetExif.asset_id == Asset.id)
            .where(Asset.id == asset_id)
        )
        row = (await self.session.execute(query)).one_or_none()
        return None if row is None else (row[0], row[1])

    async def storage_label(self, user_id: uuid.UUID) -> str | None:
        query = select(User.storage_label).where(User.id == user_id)
        label: str | None = (await self.session.execute(query)).scalar_one_or_none()
        return label

    async def page_asset_ids(
        self,
        after: uuid.UUID | None,
        limit: int,
        *,
        pending_step: str | None = None,
        asset_type: str | None = None,
        with_hidden: bool = True,
    ) -> list[uuid.UUID]:
        """Live (not trashed) asset ids in id order after ``after``; with ``pending_step``
        (``metadata_extracted_at``, ``thumbnail_generated_at``...) only those whose step never ran."""
        query = select(Asset.id).where(Asset.deleted_at.is_(None)).order_by(Asset.id).limit(limit)
        if after is not None:
            query = query.where(Asset.id > after)
        if asset_type is not None:
            query = query.where(Asset.type == asset_type)
        if not with_hidden:
            query = query.where(Asset.visibility != "hidden")
        if pending_step is not None:
            column = getattr(AssetJobStatus, pending_step)
            query = query.outerjoin(AssetJobStatus, AssetJobStatus.asset_id == Asset.id).where(
                column.is_(None)
            )
        return list((await self.session.execute(query)).scalars())

    # -- derived files ------------------------------------------------------------------------------

    async def files(self, asset_id: uuid.UUID) -> dict[str, str]:
        """type -> storage key of the asset's unedited derived files."""
        query = select(AssetFile.type, AssetFile.path).where(
            AssetFile.asset_id == asset_id, AssetFile.is_edited.is_(False)
        )
        return {row.type: row.path for row in await self.session.execute(query)}

    async def files_of(self, asset_ids: Sequence[uuid.UUID]) -> list[str]:
        if not asset_ids:
            return []
        query = select(AssetFile.path).where(AssetFile.asset_id.in_(asset_ids))
        return list((await self.session.execute(query)).scalars())

    async def upsert_files(self, asset_id: uuid.UUID, paths: Mapping[str, str]) -> None:
        if not paths:
            return
        rows = [{"asset_id": asset_id, "type": kind, "path": path} for kind, path in paths.items()]
        statement = insert(AssetFile).values(rows)
        statement = statement.on_conflict_do_update(
            index_elements=[AssetFile.asset_id, AssetFile.type, AssetFile.is_edited],
            set_={"path": statement.excluded.path, "updated_at": func.now()},
        )
        await self.session.execute(statement)

    async def delete_files(self, asset_id: uuid.UUID, kinds: Sequence[str]) -> None:
        if kinds:
            await self.session.execute(
                delete(AssetFile).where(
                    AssetFile.asset_id == asset_id,
                    AssetFile.type.in_(kinds),
                    AssetFile.is_edited.is_(False),
                )
            )

    # -- live photos --------------------------------------------------------------------------------

    async def find_live_photo_match(
        self, *, cid: str, owner_id: uuid.UUID, library_id: uuid.UUID | None, other_id: uuid.UUID, type: str
    ) -> Asset | None:
        """The other half (``type``) of a live photo with Apple's content identifier ``cid``."""
        library = Asset.library_id.is_(None) if library_id is None else Asset.library_id == library_id
        query = (
            select(Asset)
            .join(AssetExif, AssetExif.asset_id == Asset.id)
            .where(
                AssetExif.live_photo_cid == cid,
                Asset.owner_id == owner_id,
                library,
                Asset.id != other_id,
                Asset.type == type,
            )
            .order_by(Asset.created_at)
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def remove_from_all_albums(self, asset_id: uuid.UUID) -> None:
        await self.session.execute(delete(AlbumAsset).where(AlbumAsset.asset_id == asset_id))

    # -- tags ---------------------------------------------------------------------------------------

    async def replace_asset_tags(self, asset_id: uuid.UUID, tag_ids: Sequence[uuid.UUID]) -> None:
        await self.session.execute(
            delete(TagAsset).where(TagAsset.asset_id == asset_id, TagAsset.tag_id.not_in(tag_ids))
        )
        if tag_ids:
            rows = [{"tag_id": tag_id, "asset_id": asset_id} for tag_id in dict.fromkeys(tag_ids)]
            await self.session.execute(insert(TagAsset).values(rows).on_conflict_do_nothing())

    # -- storage template ---------------------------------------------------------------------------

    async def newest_album(self, owner_id: uuid.UUID, asset_id: uuid.UUID) -> AlbumInfo | None:
        """The most recently created album of the owner holding the asset (Immich's ``{{album}}``),
        with the earliest and latest creation dates of its assets."""
        album_query = (
            select(Album.id, Album.name)
            .join(AlbumAsset, AlbumAsset.album_id == Album.id)
            .where(AlbumAsset.asset_id == asset_id, Album.owner_id == owner_id, Album.deleted_at.is_(None))
            .order_by(Album.created_at.desc())
            .limit(1)
        )
        album = (await self.session.execute(album_query)).one_or_none()
        if album is None:
            return None
        dates = (
            select(func.min(Asset.file_created_at), func.max(Asset.file_created_at))
            .join(AlbumAsset, AlbumAsset.asset_id == Asset.id)
            .where(AlbumAsset.album_id == album.id, Asset.deleted_at.is_(None))
        )
        start, end = (await self.session.execute(dates)).one()
        return AlbumInfo(album.name, start, end)

    async def pending_moves(self, entity_id: uuid.UUID) -> list[MoveHistory]:
        query = select(MoveHistory).where(MoveHistory.entity_id == entity_id)
        return list((await self.session.execute(query)).scalars())

    async def record_move(self, entity_id: uuid.UUID, path_type: str, old_path: str, new_path: str) -> None:
        statement = insert(MoveHistory).values(
            entity_id=entity_id, path_type=path_type, old_path=old_path, new_path=new_path
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[MoveHistory.entity_id, MoveHistory.path_type],
                set_={"old_path": old_path, "new_path": new_path},
            )
        )

    async def finish_moves(self, entity_id: uuid.UUID) -> None:
        await self.session.execute(delete(MoveHistory).where(MoveHistory.entity_id == entity_id))

    async def path_taken(self, key: str, asset_id: uuid.UUID) -> bool:
        """Whether another asset's original, or a move in progress, already claims ``key``."""
        asset = select(Asset.id).where(Asset.original_path == key, Asset.id != asset_id)
        move = select(MoveHistory.id).where(MoveHistory.new_path == key, MoveHistory.entity_id != asset_id)
        query = select(asset.exists() | move.exists())
        return bool((await self.session.execute(query)).scalar())

    async def set_paths(self, asset_id: uuid.UUID, original_path: str, sidecar_path: str | None) -> None:
        await self.session.execute(
            update(Asset)
            .where(Asset.id == asset_id)
            .values(original_path=original_path, sidecar_path=sidecar_path)
        )

    # -- failures -----------------------------------------------------------------------------------

    async def record_failure(self, asset_id: uuid.UUID, step: str, reason: str) -> None:
        values = {"failed_step": step, "failure_reason": reason[:2000]}
        statement = insert(AssetJobStatus).values(asset_id=asset_id, **values)
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=[AssetJobStatus.asset_id], set_=values)
        )

    async def clear_failure(self, asset_id: uuid.UUID, step: str) -> None:
        await self.session.execute(
            update(AssetJobStatus)
            .where(and_(AssetJobStatus.asset_id == asset_id, AssetJobStatus.failed_step == step))
            .values(failed_step=None, failure_reason=None)
        )
