"""Asset list items (``AssetResponseDto`` in search pages, folders, explore, duplicates).

The database writes each item's JSON (``albumen.db.repositories.asset_items``), about 20 µs of its
CPU per asset: a page of 250 costs more than the search that found it, so long lists are written in
two halves on two connections at once. Written items are kept, bounded, by asset and by what they
were written from (the asset's and its EXIF row's ``update_id``, which every UPDATE renews): a page
asked for again, or an asset that shows up in several lists, is sent from memory once the versions
are read (by the search page's own query, or by one more). Correct across processes: a version
that changed anywhere is written again. Items with people are never kept (faces change on their own).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from albumen.db.repositories import asset_items as repository
from albumen.db.repositories.asset_items import ItemVersion
from albumen.media.formats import MIME_TYPES, UNKNOWN_MIME_TYPE
from albumen.services.authentication import AuthContext

#: For the database to name each item's ``originalMimeType`` (one unchanging text: one plan).
MIME_TYPES_JSON = orjson.dumps(MIME_TYPES).decode()
#: Items kept per process: about 1.4 KB each with EXIF, so at most ~14 MB.
KEPT_ITEMS = 10_000
#: Lists this long are written in two halves at once.
SPLIT_FROM = 100

#: (asset id's bytes, with EXIF, seen by its owner) -> (version stamp, JSON text); least recently used
#: first. Bytes, booleans and text only: the garbage collector stops tracking such tuples, so the kept
#: items add nothing to its full collections (UUID objects here made them long and frequent).
_kept: OrderedDict[tuple[bytes, bool, bool], tuple[bytes, str]] = OrderedDict()


async def asset_items(
    db: AsyncSession,
    auth: AuthContext,
    asset_ids: list[uuid.UUID],
    *,
    with_exif: bool,
    with_people: bool = False,
    versions: dict[uuid.UUID, ItemVersion] | None = None,
) -> list[orjson.Fragment]:
    """The assets' items, in order, as JSON to embed in a response as it is. Assets deleted since
    ``asset_ids`` was read are left out. ``versions``: the items' versions where the caller read
    them with the ids (else they are read here)."""
    found = await item_texts(
        db, auth, asset_ids, with_exif=with_exif, with_people=with_people, versions=versions
    )
    return [orjson.Fragment(found[asset_id]) for asset_id in asset_ids if asset_id in found]


async def item_dicts(
    db: AsyncSession, auth: AuthContext, asset_ids: list[uuid.UUID], *, with_exif: bool
) -> dict[uuid.UUID, dict[str, Any]]:
    """The items by asset id, parsed (for the few lists that look inside them)."""
    found = await item_texts(db, auth, asset_ids, with_exif=with_exif)
    return {asset_id: orjson.loads(text) for asset_id, text in found.items()}


async def item_texts(
    db: AsyncSession,
    auth: AuthContext,
    asset_ids: list[uuid.UUID],
    *,
    with_exif: bool,
    with_people: bool = False,
    versions: dict[uuid.UUID, ItemVersion] | None = None,
) -> dict[uuid.UUID, str]:
    """Each asset's item as JSON text, by id, from memory where its version is unchanged."""
    found: dict[uuid.UUID, str] = {}
    missing = asset_ids
    if not with_people and _any_kept(asset_ids, with_exif):
        if versions is None:
            versions = await repository.item_versions(db, asset_ids)
        missing = []
        for asset_id, version in versions.items():
            key = (asset_id.bytes, with_exif, version.owner_id == auth.user_id)
            kept = _kept.get(key)
            if kept is not None and kept[0] == _stamp(version):
                _kept.move_to_end(key)
                found[asset_id] = kept[1]
            else:
                missing.append(asset_id)
    if missing:
        written = await _write(db, auth, missing, with_exif=with_exif, with_people=with_people)
        for asset_id, (version, text) in written.items():
            found[asset_id] = text
            if not with_people:
                _keep((asset_id.bytes, with_exif, version.owner_id == auth.user_id), _stamp(version), text)
    return found


async def _write(
    db: AsyncSession, auth: AuthContext, asset_ids: list[uuid.UUID], *, with_exif: bool, with_people: bool
) -> dict[uuid.UUID, tuple[ItemVersion, str]]:
    """The items written by the database; a long list in two halves on two connections at once,
    the writing being the database's CPU work (about 20 µs an item)."""

    async def write(session: AsyncSession, part: list[uuid.UUID]) -> dict[uuid.UUID, tuple[ItemVersion, str]]:
        return await repository.asset_items(
            session,
            part,
            viewer_id=auth.user_id,
            mime_types=MIME_TYPES_JSON,
            unknown_mime_type=UNKNOWN_MIME_TYPE,
            with_exif=with_exif,
            with_people=with_people,
        )

    if len(asset_ids) < SPLIT_FROM or not isinstance(db.bind, AsyncEngine):
        return await write(db, asset_ids)
    half = len(asset_ids) // 2
    async with AsyncSession(db.bind) as other:
        first, second = await asyncio.gather(write(db, asset_ids[:half]), write(other, asset_ids[half:]))
    return first | second


def _any_kept(asset_ids: list[uuid.UUID], with_exif: bool) -> bool:
    """Whether reading versions first can save anything (a list never seen goes straight to writing)."""
    return any(
        (asset_id.bytes, with_exif, True) in _kept or (asset_id.bytes, with_exif, False) in _kept
        for asset_id in asset_ids
    )


def _stamp(version: ItemVersion) -> bytes:
    return version.asset.bytes + (version.exif.bytes if version.exif is not None else b"")


def _keep(key: tuple[bytes, bool, bool], stamp: bytes, text: str) -> None:
    _kept[key] = (stamp, text)
    _kept.move_to_end(key)
    while len(_kept) > KEPT_ITEMS:
        _kept.popitem(last=False)
