"""The columns of each sync payload (``SyncAssetV2``, ``SyncAssetExifV1`` ...), rendered by PostgreSQL.

Values leave the database already in their wire form (UUIDs and timestamps as text, binary as base64)
so rows go from asyncpg records to JSON lines without per-field Python work. JSON columns come out
as text and are embedded unparsed (their names are in ``JSON_FIELDS``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, Text, cast, func, literal_column

from albumen.db.tables import (
    Album,
    AlbumUser,
    Asset,
    AssetEdit,
    AssetExif,
    AssetFace,
    AssetMetadata,
    AssetOcr,
    Memory,
    Person,
    Stack,
    User,
    UserMetadata,
)

#: Payload fields holding JSON documents (sent as text by the query, embedded as-is in the line).
JSON_FIELDS = frozenset({"value", "data", "parameters"})

Columns = list[ColumnElement[Any]]


def iso(column: Any) -> ColumnElement[Any]:
    """``2024-07-14T18:30:00.000Z``, as JavaScript's ``toISOString`` prints it."""
    return func.to_char(
        func.timezone(literal_column("'UTC'"), column), literal_column('\'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\'')
    )


def text_of(column: Any) -> ColumnElement[Any]:
    return cast(column, Text)


def base64(column: Any) -> ColumnElement[Any]:
    return func.translate(func.encode(column, literal_column("'base64'")), literal_column("E'\\n'"), "")


def asset_v2(is_favorite: Any) -> Columns:
    """``SyncAssetV2``; ``is_favorite`` differs by who looks (only an owner's favourites are theirs)."""
    return [
        text_of(Asset.id).label("id"),
        text_of(Asset.owner_id).label("ownerId"),
        Asset.original_file_name.label("originalFileName"),
        base64(Asset.thumbhash).label("thumbhash"),
        base64(Asset.checksum).label("checksum"),
        iso(Asset.file_created_at).label("fileCreatedAt"),
        iso(Asset.file_modified_at).label("fileModifiedAt"),
        iso(Asset.local_date_time).label("localDateTime"),
        Asset.duration_ms.label("duration"),
        Asset.type.label("type"),
        iso(Asset.deleted_at).label("deletedAt"),
        is_favorite.label("isFavorite"),
        Asset.visibility.label("visibility"),
        text_of(Asset.live_photo_video_id).label("livePhotoVideoId"),
        text_of(Asset.stack_id).label("stackId"),
        text_of(Asset.library_id).label("libraryId"),
        iso(Asset.created_at).label("createdAt"),
        Asset.width.label("width"),
        Asset.height.label("height"),
        Asset.is_edited.label("isEdited"),
    ]


def not_favorite() -> ColumnElement[Any]:
    return cast(literal_column("false"), Boolean)


def asset_exif() -> Columns:
    return [
        text_of(AssetExif.asset_id).label("assetId"),
        AssetExif.description.label("description"),
        AssetExif.exif_image_width.label("exifImageWidth"),
        AssetExif.exif_image_height.label("exifImageHeight"),
        AssetExif.file_size_in_byte.label("fileSizeInByte"),
        AssetExif.orientation.label("orientation"),
        iso(AssetExif.date_time_original).label("dateTimeOriginal"),
        iso(AssetExif.modify_date).label("modifyDate"),
        AssetExif.time_zone.label("timeZone"),
        AssetExif.latitude.label("latitude"),
        AssetExif.longitude.label("longitude"),
        AssetExif.projection_type.label("projectionType"),
        AssetExif.city.label("city"),
        AssetExif.state.label("state"),
        AssetExif.country.label("country"),
        AssetExif.make.label("make"),
        AssetExif.model.label("model"),
        AssetExif.lens_model.label("lensModel"),
        AssetExif.f_number.label("fNumber"),
        AssetExif.focal_length.label("focalLength"),
        AssetExif.iso.label("iso"),
        AssetExif.exposure_time.label("exposureTime"),
        AssetExif.profile_description.label("profileDescription"),
        AssetExif.rating.label("rating"),
        AssetExif.fps.label("fps"),
    ]


def user_v1() -> Columns:
    return [
        text_of(User.id).label("id"),
        User.name.label("name"),
        User.email.label("email"),
        User.avatar_color.label("avatarColor"),
        iso(User.deleted_at).label("deletedAt"),
        iso(User.profile_changed_at).label("profileChangedAt"),
        (User.profile_image_path != "").label("hasProfileImage"),
    ]


def auth_user_v1() -> Columns:
    return [
        *user_v1(),
        User.is_admin.label("isAdmin"),
        User.pin_code.label("pinCode"),
        User.oauth_id.label("oauthId"),
        User.storage_label.label("storageLabel"),
        User.quota_size_in_bytes.label("quotaSizeInBytes"),
        User.quota_usage_in_bytes.label("quotaUsageInBytes"),
    ]


def album_v2() -> Columns:
    return [
        text_of(Album.id).label("id"),
        Album.name.label("name"),
        Album.description.label("description"),
        iso(Album.created_at).label("createdAt"),
        iso(Album.updated_at).label("updatedAt"),
        text_of(Album.thumbnail_asset_id).label("thumbnailAssetId"),
        Album.is_activity_enabled.label("isActivityEnabled"),
        Album.order.label("order"),
    ]


def album_v1() -> Columns:
    return [*album_v2(), text_of(Album.owner_id).label("ownerId")]


def album_user() -> Columns:
    return [
        text_of(AlbumUser.album_id).label("albumId"),
        text_of(AlbumUser.user_id).label("userId"),
        AlbumUser.role.label("role"),
    ]


def stack() -> Columns:
    return [
        text_of(Stack.id).label("id"),
        iso(Stack.created_at).label("createdAt"),
        iso(Stack.updated_at).label("updatedAt"),
        text_of(Stack.primary_asset_id).label("primaryAssetId"),
        text_of(Stack.owner_id).label("ownerId"),
    ]


def memory() -> Columns:
    return [
        text_of(Memory.id).label("id"),
        iso(Memory.created_at).label("createdAt"),
        iso(Memory.updated_at).label("updatedAt"),
        iso(Memory.deleted_at).label("deletedAt"),
        text_of(Memory.owner_id).label("ownerId"),
        Memory.type.label("type"),
        text_of(Memory.data).label("data"),
        Memory.is_saved.label("isSaved"),
        iso(Memory.memory_at).label("memoryAt"),
        iso(Memory.seen_at).label("seenAt"),
        iso(Memory.show_at).label("showAt"),
        iso(Memory.hide_at).label("hideAt"),
    ]


def person() -> Columns:
    return [
        text_of(Person.id).label("id"),
        iso(Person.created_at).label("createdAt"),
        iso(Person.updated_at).label("updatedAt"),
        text_of(Person.owner_id).label("ownerId"),
        Person.name.label("name"),
        func.to_char(Person.birth_date, literal_column("'YYYY-MM-DD'")).label("birthDate"),
        Person.is_hidden.label("isHidden"),
        Person.is_favorite.label("isFavorite"),
        Person.color.label("color"),
        text_of(Person.face_asset_id).label("faceAssetId"),
    ]


def asset_face_v2() -> Columns:
    return [
        text_of(AssetFace.id).label("id"),
        text_of(AssetFace.asset_id).label("assetId"),
        text_of(AssetFace.person_id).label("personId"),
        AssetFace.image_width.label("imageWidth"),
        AssetFace.image_height.label("imageHeight"),
        AssetFace.bounding_box_x1.label("boundingBoxX1"),
        AssetFace.bounding_box_y1.label("boundingBoxY1"),
        AssetFace.bounding_box_x2.label("boundingBoxX2"),
        AssetFace.bounding_box_y2.label("boundingBoxY2"),
        AssetFace.source_type.label("sourceType"),
        AssetFace.is_visible.label("isVisible"),
        iso(AssetFace.deleted_at).label("deletedAt"),
    ]


def user_metadata() -> Columns:
    return [
        text_of(UserMetadata.user_id).label("userId"),
        UserMetadata.key.label("key"),
        text_of(UserMetadata.value).label("value"),
    ]


def asset_metadata() -> Columns:
    return [
        text_of(AssetMetadata.asset_id).label("assetId"),
        AssetMetadata.key.label("key"),
        text_of(AssetMetadata.value).label("value"),
    ]


def asset_edit() -> Columns:
    return [
        text_of(AssetEdit.id).label("id"),
        text_of(AssetEdit.asset_id).label("assetId"),
        AssetEdit.action.label("action"),
        text_of(AssetEdit.parameters).label("parameters"),
        AssetEdit.sequence.label("sequence"),
    ]


def asset_ocr() -> Columns:
    corners = [
        getattr(AssetOcr, name).label(name) for name in ("x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4")
    ]
    return [
        text_of(AssetOcr.id).label("id"),
        text_of(AssetOcr.asset_id).label("assetId"),
        *corners,
        AssetOcr.box_score.label("boxScore"),
        AssetOcr.text_score.label("textScore"),
        AssetOcr.text.label("text"),
        AssetOcr.is_visible.label("isVisible"),
    ]
