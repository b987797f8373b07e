"""Facts about this server: version, features, storage, statistics."""

from __future__ import annotations

from typing import Any

from albumen.version import IMMICH_API_VERSION


def version() -> dict[str, Any]:
    major, minor, patch = IMMICH_API_VERSION
    return {"major": major, "minor": minor, "patch": patch, "prerelease": None}
