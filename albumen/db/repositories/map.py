"""Map queries: every located asset a caller may see, as the JSON list the map draws."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Text, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_filters import owner_condition
from albumen.db.repositories.raw import fetch_records
from albumen.db.tables import Album, AlbumAsset, AlbumUser, Asset, AssetExif


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
        """``MapMarkerResponseDto[]`` as JSON.

        Markers come in no particular order (Immich sorts them by date; the map doesn't care, and
        a large library has tens of thousands of them).
        """
        conditions: list[ColumnElement[bool]] = [
            Asset.deleted_at.is_(None),
            Asset.visibility.in_(marker_filter.visibilities),
            AssetExif.latitude.is_not(None),
            AssetExif.longitude.is_not(None),
        ]
        whose = owner_condition(marker_filter.owner_ids)
        if marker_filter.album_member_id is not None:
            whose = or_(whose, Asset.id.in_(_album_assets(marker_filter.album_member_id)))
        conditions.append(whose)
        if marker_filter.is_favorite is not None:
            conditions.append(Asset.is_favorite.is_(marker_filter.is_favorite))
        if marker_filter.file_created_after is not None:
            conditions.append(Asset.file_created_at >= marker_filter.file_created_after)
        if marker_filter.file_created_before is not None:
            conditions.append(Asset.file_created_at <= marker_filter.file_created_before)
        query = (
            select(
                cast(Asset.id, Text),
                AssetExif.latitude,
                AssetExif.longitude,
                AssetExif.city,
                AssetExif.state,
                AssetExif.country,
            )
            .join(AssetExif, AssetExif.asset_id == Asset.id)
            .where(*conditions)
        )
        rows = await fetch_records(self.session, query)
        return orjson.dumps(
            [
                {"id": asset_id, "lat": lat, "lon": lon, "city": city, "state": state, "country": country}
                for asset_id, lat, lon, city, state, country in rows
            ]
        )


def _album_assets(user_id: uuid.UUID) -> Any:
    member_albums = (
        select(Album.id)
        .outerjoin(AlbumUser, AlbumUser.album_id == Album.id)
        .where(Album.deleted_at.is_(None), or_(Album.owner_id == user_id, AlbumUser.user_id == user_id))
    )
    return select(AlbumAsset.asset_id).where(AlbumAsset.album_id.in_(member_albums))
