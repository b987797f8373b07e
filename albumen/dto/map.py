"""Map DTOs: markers for located assets and reverse geocoding."""

from __future__ import annotations

from datetime import datetime

from albumen.dto.albums import MapMarkerResponseDto
from albumen.dto.base import Dto, RequestDto


class MapMarkerDto(RequestDto):
    """Query parameters of ``GET /map/markers``."""

    isArchived: bool | None = None
    isFavorite: bool | None = None
    fileCreatedAfter: datetime | None = None
    fileCreatedBefore: datetime | None = None
    withPartners: bool | None = None
    withSharedAlbums: bool | None = None


class MapReverseGeocodeDto(RequestDto):
    lat: float
    lon: float


class MapReverseGeocodeResponseDto(Dto):
    city: str | None
    state: str | None
    country: str | None


__all__ = ["MapMarkerDto", "MapMarkerResponseDto", "MapReverseGeocodeDto", "MapReverseGeocodeResponseDto"]
