"""The map: markers for every located asset the caller may see, and reverse geocoding."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.map import MapRepository, MarkerFilter
from albumen.dto.assets import AssetVisibility
from albumen.dto.map import MapMarkerDto, MapReverseGeocodeResponseDto
from albumen.media import geocoding
from albumen.services.authentication import AuthContext
from albumen.services.visibility import partner_ids


async def markers(db: AsyncSession, auth: AuthContext, dto: MapMarkerDto) -> bytes:
    """``MapMarkerResponseDto[]`` as JSON (a large library has tens of thousands of markers).

    Immich's rules: the caller's timeline assets (and archived ones with ``isArchived``), plus their
    timeline partners' with ``withPartners`` and assets of albums they own or were shared with
    ``withSharedAlbums``.
    """
    owners = [auth.user_id]
    if dto.withPartners:
        owners += await partner_ids(db, auth.user_id)
    visibilities = [AssetVisibility.TIMELINE.value]
    if dto.isArchived:
        visibilities.append(AssetVisibility.ARCHIVE.value)
    marker_filter = MarkerFilter(
        owner_ids=tuple(owners),
        visibilities=tuple(visibilities),
        album_member_id=auth.user_id if dto.withSharedAlbums else None,
        is_favorite=dto.isFavorite,
        file_created_after=dto.fileCreatedAfter,
        file_created_before=dto.fileCreatedBefore,
    )
    return await MapRepository(db).markers_json(marker_filter)


async def reverse_geocode(latitude: float, longitude: float) -> list[MapReverseGeocodeResponseDto]:
    """The place at a position, or nothing when there's none (at sea)."""
    place = await asyncio.to_thread(geocoding.reverse_geocode, latitude, longitude)
    if place.city is None and place.state is None and place.country is None:
        return []
    return [MapReverseGeocodeResponseDto(city=place.city, state=place.state, country=place.country)]
