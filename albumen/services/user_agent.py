"""What device a request comes from, for the session list: browser/app, operating system, app version."""

from __future__ import annotations

import re
from dataclasses import dataclass

import ua_parser

#: The mobile app's own User-Agent (``immich-android/1.2.3``) and the 1.x/2.x form (``Immich_iOS_1.2.3``).
_APP_USER_AGENT = re.compile(r"^immich-(?P<platform>android|ios|unknown)/(?P<version>.+)$")
_LEGACY_APP_USER_AGENT = re.compile(r"^Immich_(?P<platform>Android|iOS|Unknown)_(?P<version>.+)$")
_APP_PLATFORM_OS = {"android": "Android", "ios": "iOS"}

#: uap-core names that Immich's web client (which knows ua-parser-js names) shows differently.
_OS_NAMES = {"Mac OS X": "macOS"}
_UNKNOWN = "Other"


@dataclass(frozen=True)
class DeviceDetails:
    device_type: str = ""
    device_os: str = ""
    app_version: str | None = None


def device_details(
    user_agent: str | None, *, device_model: str | None = None, device_type: str | None = None
) -> DeviceDetails:
    """Immich's rule: a recognised browser/OS wins, else the ``deviceModel``/``deviceType`` headers.

    The mobile app sends ``deviceModel`` (e.g. ``Pixel 8``) and ``deviceType`` (``Android``/``iOS``)
    headers; its User-Agent carries only the app version, and the platform when those headers are missing.
    """
    agent = user_agent or ""
    app = _APP_USER_AGENT.match(agent) or _LEGACY_APP_USER_AGENT.match(agent)
    browser_name = ""
    os_name = ""
    if agent and app is None:
        parsed = ua_parser.parse(agent)
        if parsed.user_agent is not None and parsed.user_agent.family != _UNKNOWN:
            browser_name = parsed.user_agent.family
        if parsed.os is not None and parsed.os.family != _UNKNOWN:
            os_name = _OS_NAMES.get(parsed.os.family, parsed.os.family)
    app_os = _APP_PLATFORM_OS.get(app.group("platform").lower(), "") if app is not None else ""
    return DeviceDetails(
        device_type=browser_name or (device_model or "").strip(),
        device_os=os_name or (device_type or "").strip() or app_os,
        app_version=app.group("version") if app is not None else None,
    )
