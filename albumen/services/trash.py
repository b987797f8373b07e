"""The trash: restore, empty, and the hard delete (``purge_assets``) that emptying and forced deletes share.

Immich queues one ``AssetDelete`` job per asset; here the request that empties the trash purges inline,
in batches. Rows marked ``deleted`` whose purge was interrupted are picked up by ``purge_deleted``, which
the nightly trash job also calls (with ``purge_expired`` for assets past ``trash.days``).
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_files import AssetFileRepository
from albumen.db.repositories.assets import AssetRepository
from albumen.db.repositories.stacks import StackRepository
from albumen.db.tables import Asset
from albumen.dto.asset_ids import BulkIdsDto
from albumen.dto.trash import TrashResponseDto
from albumen.permissions import Permission
from albumen.services import events
from albumen.services.access import require_assets
from albumen.services.authentication import AuthContext
from albumen.storage.base import InvalidStorageKeyError, Storage

logger = logging.getLogger(__name__)

#: Assets deleted per transaction.
PURGE_BATCH = 500


async def restore_assets(db: AsyncSession, auth: AuthContext, dto: BulkIdsDto) -> TrashResponseDto:
    ids = list(dict.fromkeys(dto.ids))
    if not ids:
        return TrashResponseDto(count=0)
    await require_assets(db, auth, Permission.ASSET_DELETE, ids)
    await AssetRepository(db).restore(ids)
    await events.emit(db, "on_asset_restore", [auth.user_id], ids)
    await db.commit()
    return TrashResponseDto(count=len(ids))


async def restore_trash(db: AsyncSession, auth: AuthContext) -> TrashResponseDto:
    count = await AssetRepository(db).restore_all(auth.user_id)
    await db.commit()
    return TrashResponseDto(count=count)


async def empty_trash(db: AsyncSession, storage: Storage, auth: AuthContext) -> TrashResponseDto:
    """Mark the caller's trash for deletion (that much is final once this returns), then purge it."""
    count = await AssetRepository(db).mark_trash_for_purge(auth.user_id)
    await db.commit()
    if count:
        await purge_deleted(db, storage, owner_id=auth.user_id)
    return TrashResponseDto(count=count)


async def purge_deleted(db: AsyncSession, storage: Storage, *, owner_id: uuid.UUID | None = None) -> int:
    """Purge every asset marked ``deleted`` (of one owner, or all); returns how many went."""
    assets = AssetRepository(db)
    purged = 0
    while ids := await assets.ids_to_purge(PURGE_BATCH, owner_id):
        purged += await purge_assets(db, storage, ids)
    return purged


async def purge_expired(
    db: AsyncSession, storage: Storage, *, trash_days: int, now: datetime | None = None
) -> int:
    """Purge assets that have been in the trash longer than ``trash_days`` (0: every trashed asset)."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=trash_days)
    assets = AssetRepository(db)
    purged = 0
    while ids := await assets.trashed_before(cutoff, PURGE_BATCH):
        purged += await purge_assets(db, storage, ids)
    return purged


async def purge_assets(db: AsyncSession, storage: Storage, asset_ids: Sequence[uuid.UUID]) -> int:
    """Delete assets for good: rows (faces, albums links, tags... cascade), files, owners' quota usage.

    Commits each batch before removing its files, so a crash leaves at worst a file without a row,
    never a row without its file. Motion videos of live photos go too unless another asset uses them;
    stacks left with fewer than two assets are dissolved, and a stack losing its primary asset gets
    a new one. Returns how many assets were deleted.
    """
    deleted = 0
    for start in range(0, len(asset_ids), PURGE_BATCH):
        deleted += await _purge_batch(db, storage, asset_ids[start : start + PURGE_BATCH])
    return deleted


async def _purge_batch(db: AsyncSession, storage: Storage, asset_ids: Sequence[uuid.UUID]) -> int:
    assets = AssetRepository(db)
    rows = list(await assets.get_many(asset_ids))
    leaving = {row.id for row in rows}
    motion = {row.live_photo_video_id for row in rows if row.live_photo_video_id} - leaving
    if motion:
        unused = {motion_id for motion_id in motion if motion_id is not None}
        unused -= await assets.motion_parts_still_used(list(unused), list(leaving))
        motion_rows = await assets.get_many(list(unused))
        rows.extend(motion_rows)
        leaving.update(row.id for row in motion_rows)
    if not rows:
        return 0
    await _leave_stacks(db, rows, leaving)
    keys = list(_file_keys(rows)) + list(await AssetFileRepository(db).paths_of_assets(list(leaving)))
    usage: dict[uuid.UUID, int] = defaultdict(int)
    for owner_id, size in await assets.delete_many(list(leaving)):
        usage[owner_id] += size
    for owner_id, size in usage.items():
        if size:
            await assets.add_usage(owner_id, -size)
    await events.emit_many(db, "on_asset_delete", (([row.owner_id], [row.id]) for row in rows))
    await db.commit()
    for key in keys:
        await _delete_file(storage, key)
    logger.info("assets purged", extra={"count": len(leaving)})
    return len(leaving)


async def _leave_stacks(db: AsyncSession, rows: Sequence[Asset], leaving: set[uuid.UUID]) -> None:
    """Immich's rule: a stack left with fewer than two assets dissolves; one losing its primary asset
    is headed by the next remaining one."""
    stack_ids = list({row.stack_id for row in rows if row.stack_id is not None})
    if not stack_ids:
        return
    stacks = StackRepository(db)
    members = await stacks.member_ids(stack_ids)
    summaries = await stacks.summaries(stack_ids)
    dissolve = []
    for stack_id in stack_ids:
        remaining = [asset_id for asset_id in members.get(stack_id, []) if asset_id not in leaving]
        if len(remaining) < 2:
            dissolve.append(stack_id)
        elif summaries[stack_id].primary_asset_id in leaving:
            await stacks.set_primary(stack_id, remaining[0])
    await stacks.delete(dissolve)


def _file_keys(rows: Iterable[Asset]) -> Iterable[str]:
    for row in rows:
        # Files of external libraries belong to the user's own folders: only the row goes.
        if row.library_id is None:
            yield row.original_path
            if row.sidecar_path:
                yield row.sidecar_path
        if row.encoded_video_path:
            yield row.encoded_video_path


async def _delete_file(storage: Storage, key: str) -> None:
    try:
        await storage.delete(key)
    except InvalidStorageKeyError:
        logger.warning("not deleting a file outside the media root", extra={"path": key})
    except OSError as error:
        logger.warning("could not delete a purged asset's file", extra={"path": key, "error": str(error)})
