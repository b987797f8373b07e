"""Albumen's own version, and the Immich API release it speaks."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

#: The Immich server release whose HTTP API Albumen serves (NOTES.md §0). Clients gate behaviour on
#: it: the mobile app picks sync V2 types for >= 3.0.0, aioimmich its album code path for major >= 3.
IMMICH_API_VERSION = (3, 2, 2)
IMMICH_API_VERSION_STRING = "v{}.{}.{}".format(*IMMICH_API_VERSION)

try:
    ALBUMEN_VERSION = version("albumen")
except PackageNotFoundError:  # running from a source tree without installation
    ALBUMEN_VERSION = "0.0.0"
