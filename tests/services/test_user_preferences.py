"""Preferences are Immich's defaults plus a stored difference that holds only what the user changed."""

from __future__ import annotations

import uuid

from albumen.db.engine import Database
from albumen.db.repositories.users import UserRepository
from albumen.dto.user_preferences import UserPreferencesUpdateDto
from albumen.services import user_preferences

IMMICH_DEFAULTS = {
    "albums": {"defaultAssetOrder": "desc"},
    "cast": {"gCastEnabled": False},
    "download": {"archiveSize": 4294967296, "includeEmbeddedVideos": False},
    "emailNotifications": {"albumInvite": True, "albumUpdate": True, "enabled": True},
    "folders": {"enabled": False, "sidebarWeb": False},
    "memories": {"duration": 5, "enabled": True, "sidebarWeb": False},
    "people": {"enabled": True, "minimumFaces": 3, "sidebarWeb": False},
    "purchase": {"hideBuyButtonUntil": "2022-02-12T00:00:00.000Z", "showSupportBadge": True},
    "ratings": {"enabled": False},
    "recentlyAdded": {"sidebarWeb": False},
    "sharedLinks": {"enabled": True, "sidebarWeb": False},
    "tags": {"enabled": False, "sidebarWeb": False},
}


def test_defaults_are_immichs() -> None:
    assert user_preferences.to_dto(user_preferences.apply_stored(None)).model_dump(mode="json") == (
        IMMICH_DEFAULTS
    )


def test_stored_difference_overlays_the_defaults_and_ignores_unknown_keys() -> None:
    stored = {
        "tags": {"enabled": True},
        "avatar": {"color": "red"},
        "people": {"unknown": 1, "enabled": None},
    }
    preferences = user_preferences.apply_stored(stored)
    assert preferences["tags"] == {"enabled": True, "sidebarWeb": False}
    assert preferences["people"] == IMMICH_DEFAULTS["people"]
    assert "avatar" not in preferences


def test_update_merges_leaves_and_the_difference_keeps_only_changes() -> None:
    preferences = user_preferences.apply_stored({"tags": {"enabled": True}})
    update = UserPreferencesUpdateDto.model_validate(
        {
            "memories": {"duration": 9},
            "folders": {"enabled": True, "sidebarWeb": None},
            "tags": {"enabled": False},
            "avatar": {"color": "red"},
        }
    )
    user_preferences.merge_update(preferences, update)
    assert preferences["memories"] == {"duration": 9, "enabled": True, "sidebarWeb": False}
    assert user_preferences.difference_from_defaults(preferences) == {
        "memories": {"duration": 9},
        "folders": {"enabled": True},
    }


async def test_update_stores_the_difference_in_user_metadata(database: Database) -> None:
    async with database.session() as db:
        user = await UserRepository(db).create(email="prefs@albumen.test", name="Prefs")
        await db.commit()
        user_id: uuid.UUID = user.id

    async with database.session() as db:
        result = await user_preferences.update_preferences(
            db, user_id, UserPreferencesUpdateDto.model_validate({"ratings": {"enabled": True}})
        )
        assert result.ratings.enabled is True
    async with database.session() as db:
        stored = await UserRepository(db).get_metadata(user_id, "preferences")
        assert stored == {"ratings": {"enabled": True}}

        await user_preferences.update_preferences(
            db, user_id, UserPreferencesUpdateDto.model_validate({"ratings": {"enabled": False}})
        )
        assert await UserRepository(db).get_metadata(user_id, "preferences") == {}
        assert (await user_preferences.get_preferences(db, user_id)).model_dump(
            mode="json"
        ) == IMMICH_DEFAULTS
