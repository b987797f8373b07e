"""Map queries: every located asset a caller may see, as the JSON list the map draws.

``asset_map_marker`` (migration 0013) holds each located asset's marker JSON with its filter columns.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.raw import fetch_records
from albumen.db.tables import Album, AlbumAsset, AlbumUser, AssetMapMarker


@dataclass(frozen=True)
class MarkerFilter:
    owner_ids: tuple[uuid.UUID, ...]
    visibilities: tuple[str, ...]
    #: Also assets in albums this user owns or was shared (whoever owns the assets).
    album_member_id: uuid.UUID | None = None
    is_favorite: bool | None = None
    file_created_after: datetime | None = None
    file_created_before: datetime | None = None


class MapRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def markers_json(self, marker_filter: MarkerFilter) -> bytes:
        """``MapMarkerResponseDto[]`` as JSON, concatenated by PostgreSQL from ``asset_map_marker``.

        Markers come in no particular order (Immich sorts them by date; the map doesn't care, and
        a large library has tens of thousands of them).
        """
        marker = AssetMapMarker
        conditions: list[ColumnElement[bool]] = [
            marker.is_trashed.is_(False),
            marker.visibility.in_(marker_filter.visibilities),
        ]
        owners = marker_filter.owner_ids
        whose = marker.owner_id == owners[0] if len(owners) == 1 else marker.owner_id.in_(owners)
        if marker_filter.album_member_id is not None:
            whose = or_(whose, marker.asset_id.in_(_album_assets(marker_filter.album_member_id)))
        conditions.append(whose)
        if marker_filter.is_favorite is not None:
            conditions.append(marker.is_favorite.is_(marker_filter.is_favorite))
        if marker_filter.file_created_after is not None:
            conditions.append(marker.file_created_at >= marker_filter.file_created_after)
        if marker_filter.file_created_before is not None:
            conditions.append(marker.file_created_at <= marker_filter.file_created_before)
        # Each row's version is renewed on every write, so (count, sum of versions) changes whenever
        # a marker in the filter changes, enters or leaves it (read from the covering index).
        fingerprint_query = select(func.count(), func.coalesce(func.sum(marker.version), 0)).where(
            *conditions
        )
        count, total = (await fetch_records(self.session, fingerprint_query))[0]
        fingerprint = (int(count), int(total))
        kept = _BUILT.get(marker_filter)
        if kept is not None and kept[0] == fingerprint:
            _BUILT.move_to_end(marker_filter)
            return kept[1]
        # Aggregated as bytea, which PostgreSQL copies without validating text and the driver hands
        # over undecoded: about half the time of joining text for 50,000 markers (7 MB).
        utf8 = literal("UTF8")
        markers = func.string_agg(func.convert_to(marker.marker, utf8), func.convert_to(literal(","), utf8))
        joined: bytes | None = (await fetch_records(self.session, select(markers).where(*conditions)))[0][0]
        body = b"[" + (joined or b"") + b"]"
        # The fingerprint was read before the markers: a change between the two reads makes the kept
        # body look stale next time and be built again, never the other way round.
        _keep(marker_filter, fingerprint, body)
        return body


#: The last markers JSON built per filter, with the fingerprint it was built at (most recent last).
_BUILT: OrderedDict[MarkerFilter, tuple[tuple[int, int], bytes]] = OrderedDict()
#: Bytes of JSON kept at most (a library of 50,000 located photos makes about 7 MB).
MAX_KEPT_BYTES = 64 * 2**20


def _keep(marker_filter: MarkerFilter, fingerprint: tuple[int, int], body: bytes) -> None:
    _BUILT[marker_filter] = (fingerprint, body)
    _BUILT.move_to_end(marker_filter)
    while len(_BUILT) > 1 and sum(len(kept) for _, kept in _BUILT.values()) > MAX_KEPT_BYTES:
        _BUILT.popitem(last=False)


def _album_assets(user_id: uuid.UUID) -> Any:
    member_albums = (
        select(Album.id)
        .outerjoin(AlbumUser, AlbumUser.album_id == Album.id)
        .where(Album.deleted_at.is_(None), or_(Album.owner_id == user_id, AlbumUser.user_id == user_id))
    )
    return select(AlbumAsset.asset_id).where(AlbumAsset.album_id.in_(member_albums))
