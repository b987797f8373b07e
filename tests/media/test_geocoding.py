"""Offline reverse geocoding: the nearest GeoNames place within Immich's 25 km box, else the country."""

from __future__ import annotations

import pytest

from albumen.media.geocoding import NO_PLACE, Place, country_names, reverse_geocode
from albumen.media.timezones import zone_at


def test_thompson_springs_photo_position_is_palisade_colorado() -> None:
    # Immich's map e2e test expects exactly this for metadata/gps-position/thompson-springs.jpg: its
    # GPS block points into Colorado's Grand Valley, not at Thompson Springs, Utah (that name is only
    # in the photo's IPTC City field).
    assert reverse_geocode(39.115, -108.400968333333) == Place(
        "Palisade", "Colorado", "United States of America"
    )


def test_iphone_photo_position_is_ralston_nebraska() -> None:
    assert reverse_geocode(41.2203, -96.071625) == Place("Ralston", "Nebraska", "United States of America")


def test_eiffel_tower_is_in_ile_de_france() -> None:
    # Paris's own GeoNames point is 4.0 km from the tower, Neuilly-sur-Seine's 3.4 km; Immich's
    # data drops the arrondissements (PPLX) that would be nearer, so the nearest place wins.
    assert reverse_geocode(48.8584, 2.2945) == Place("Neuilly-sur-Seine", "Île-de-France", "France")
    assert reverse_geocode(48.8534, 2.3488) == Place("Paris", "Île-de-France", "France")


@pytest.mark.parametrize(
    ("latitude", "longitude", "place"),
    [
        (-33.8688, 151.2093, Place("Sydney", "New South Wales", "Australia")),
        (64.1466, -21.9426, Place("Reykjavík", "Capital Region", "Iceland")),
        (55.7558, 37.6173, Place("Moscow", "Moscow", "Russian Federation")),
    ],
)
def test_places_around_the_world(latitude: float, longitude: float, place: Place) -> None:
    assert reverse_geocode(latitude, longitude) == place


def test_far_from_any_place_only_the_country_is_named() -> None:
    # Immich's (skipped) e2e case: "the middle of nowhere" in Kazakhstan has a country, no city.
    assert reverse_geocode(42, 69) == Place(None, None, "Kazakhstan")


def test_open_sea_and_invalid_positions_have_no_place() -> None:
    assert reverse_geocode(0, -30) == NO_PLACE
    assert reverse_geocode(91, 0) == NO_PLACE
    assert reverse_geocode(0, 181) == NO_PLACE
    assert reverse_geocode(float("nan"), 0) == NO_PLACE


def test_country_names_are_immichs_english_names() -> None:
    names = country_names()
    assert names["US"] == "United States of America"
    assert names["GB"] == "United Kingdom"
    assert names["CI"] == "Cote d'Ivoire"
    assert len(names) >= 249


def test_zone_at_positions() -> None:
    assert zone_at(37.7749, -122.4194) == "America/Los_Angeles"
    assert zone_at(39.0, -108.0) == "America/Denver"
    assert zone_at(0, -30) is None  # Etc/GMT+2 at sea is not a place's zone
    assert zone_at(95, 0) is None
