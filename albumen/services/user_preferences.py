"""User preferences: Immich's defaults, stored per user as the difference from them.

Storing only the difference (``user_metadata`` key ``preferences``) means a changed default reaches every
user who never touched that setting, which is how Immich behaves.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.users import UserRepository
from albumen.dto.user_preferences import UserPreferencesResponseDto, UserPreferencesUpdateDto

PREFERENCES_KEY = "preferences"

GIB = 1024**3

_DEFAULTS: dict[str, dict[str, Any]] = {
    "albums": {"defaultAssetOrder": "desc"},
    "folders": {"enabled": False, "sidebarWeb": False},
    "memories": {"enabled": True, "duration": 5, "sidebarWeb": False},
    "people": {"enabled": True, "sidebarWeb": False, "minimumFaces": 3},
    "sharedLinks": {"enabled": True, "sidebarWeb": False},
    "ratings": {"enabled": False},
    "tags": {"enabled": False, "sidebarWeb": False},
    "emailNotifications": {"enabled": True, "albumInvite": True, "albumUpdate": True},
    "download": {"archiveSize": 4 * GIB, "includeEmbeddedVideos": False},
    # Immich builds this with ``new Date(2022, 1, 12)`` in the server's zone; UTC servers print this.
    "purchase": {"showSupportBadge": True, "hideBuyButtonUntil": "2022-02-12T00:00:00.000Z"},
    "cast": {"gCastEnabled": False},
    "recentlyAdded": {"sidebarWeb": False},
}


def default_preferences() -> dict[str, dict[str, Any]]:
    """A fresh copy of Immich's default preferences."""
    return copy.deepcopy(_DEFAULTS)


def apply_stored(stored: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The full preferences: defaults overlaid with the stored difference (unknown keys are dropped)."""
    preferences = default_preferences()
    for section, values in (stored or {}).items():
        if section in preferences and isinstance(values, dict):
            for name, value in values.items():
                if name in preferences[section] and value is not None:
                    preferences[section][name] = value
    return preferences


def merge_update(preferences: dict[str, dict[str, Any]], update: UserPreferencesUpdateDto) -> None:
    """Apply the fields an update carries; a null leaf means "leave as is"."""
    for section, values in update.model_dump(exclude_none=True, exclude={"avatar"}).items():
        preferences.setdefault(section, {}).update(values)


def difference_from_defaults(preferences: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The leaves that differ from the defaults: what is stored."""
    defaults = default_preferences()
    partial: dict[str, dict[str, Any]] = {}
    for section, values in defaults.items():
        for name, default in values.items():
            value = preferences.get(section, {}).get(name)
            if value is None or value == "" or value == default:
                continue
            partial.setdefault(section, {})[name] = value
    return partial


def to_dto(preferences: dict[str, dict[str, Any]]) -> UserPreferencesResponseDto:
    return UserPreferencesResponseDto.model_validate(preferences)


async def get_preferences(db: AsyncSession, user_id: uuid.UUID) -> UserPreferencesResponseDto:
    stored = await UserRepository(db).get_metadata(user_id, PREFERENCES_KEY)
    return to_dto(apply_stored(stored))


async def update_preferences(
    db: AsyncSession, user_id: uuid.UUID, update: UserPreferencesUpdateDto
) -> UserPreferencesResponseDto:
    """Merge ``update`` into the user's preferences and store the new difference from the defaults.

    ``avatar.color`` (an older home of the avatar colour) is applied to the user's ``avatarColor``.
    """
    users = UserRepository(db)
    preferences = apply_stored(await users.get_metadata(user_id, PREFERENCES_KEY))
    merge_update(preferences, update)
    await users.set_metadata(user_id, PREFERENCES_KEY, difference_from_defaults(preferences))
    if update.avatar is not None and update.avatar.color is not None:
        await users.update(user_id, avatar_color=update.avatar.color.value)
    await db.commit()
    return to_dto(preferences)
