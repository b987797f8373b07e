"""Device details for the session list, from the User-Agent and the mobile app's headers."""

from __future__ import annotations

import pytest

from albumen.services.user_agent import DeviceDetails, device_details

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
SAFARI_ON_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Safari/605.1.15"
)
FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (CHROME_ON_WINDOWS, DeviceDetails("Chrome", "Windows", None)),
        (SAFARI_ON_MAC, DeviceDetails("Safari", "macOS", None)),
        (FIREFOX_ON_LINUX, DeviceDetails("Firefox", "Linux", None)),
        (None, DeviceDetails("", "", None)),
        ("", DeviceDetails("", "", None)),
    ],
)
def test_browsers(user_agent: str | None, expected: DeviceDetails) -> None:
    assert device_details(user_agent) == expected


def test_the_mobile_app_is_described_by_its_headers() -> None:
    details = device_details("immich-ios/3.1.0", device_model="iPhone 15", device_type="iOS")
    assert details == DeviceDetails("iPhone 15", "iOS", "3.1.0")


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        ("immich-android/3.1.0", DeviceDetails("", "Android", "3.1.0")),
        ("immich-ios/2.0.0+200", DeviceDetails("", "iOS", "2.0.0+200")),
        ("immich-unknown/1.0.0", DeviceDetails("", "", "1.0.0")),
        ("Immich_Android_1.135.3", DeviceDetails("", "Android", "1.135.3")),
        ("Immich_iOS_1.135.3", DeviceDetails("", "iOS", "1.135.3")),
    ],
)
def test_the_app_version_and_platform_come_from_the_app_user_agent(
    user_agent: str, expected: DeviceDetails
) -> None:
    assert device_details(user_agent) == expected


def test_a_recognised_browser_wins_over_the_headers() -> None:
    details = device_details(CHROME_ON_WINDOWS, device_model="Pixel", device_type="Android")
    assert (details.device_type, details.device_os) == ("Chrome", "Windows")


def test_an_unrecognised_client_falls_back_to_the_headers() -> None:
    assert device_details(
        "Dart/3.5 (dart:io)", device_model="Pixel 8", device_type="Android"
    ) == DeviceDetails("Pixel 8", "Android", None)
