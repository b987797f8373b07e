"""Which assets a listing holds: the caller's scope plus search criteria, as SQL conditions.

Timeline, search, map and (later) smart search all start from :class:`AssetScope` (whose assets,
which visibilities, trashed or not) and narrow it with :class:`AssetCriteria` (the flat filters of
Immich's search DTOs) or a 3.2.2 ``SearchFilter`` tree (:func:`search_filter_conditions`).
"""

from __future__ import annotations

import operator
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, literal, not_, or_, select, true

from albumen.db.tables import AlbumAsset, Asset, AssetExif, AssetFace, AssetOcr, TagAsset, TagClosure

#: ``asset.status`` of a trashed asset whose permanent deletion has started.
DELETED = "deleted"


class Unset:
    """Marks a nullable filter that was not given (``None`` means "is null", as Immich reads it)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = Unset()


@dataclass(frozen=True)
class AssetScope:
    """Whose assets a listing may show, and which of them.

    ``owner_ids`` None: no owner restriction (an album's assets); ``visibilities`` None: any;
    ``trashed`` False: live assets only, True: the trash only, None: both.
    """

    owner_ids: tuple[uuid.UUID, ...] | None
    visibilities: tuple[str, ...] | None = None
    trashed: bool | None = False


@dataclass
class AssetCriteria:
    """The flat filters of ``MetadataSearchDto`` and its siblings; UNSET/None fields don't filter."""

    id: uuid.UUID | None = None
    checksum: bytes | None = None
    library_id: uuid.UUID | None = UNSET
    type: str | None = None
    is_favorite: bool | None = None
    is_offline: bool | None = None
    is_encoded: bool | None = None
    is_motion: bool | None = None
    is_not_in_album: bool | None = None
    taken_before: datetime | None = None
    taken_after: datetime | None = None
    created_before: datetime | None = None
    created_after: datetime | None = None
    updated_before: datetime | None = None
    updated_after: datetime | None = None
    trashed_before: datetime | None = None
    trashed_after: datetime | None = None
    original_file_name: str | None = None
    original_path: str | None = None
    encoded_video_path: str | None = None
    description: str | None = None
    ocr: str | None = None
    city: str | None = UNSET
    state: str | None = UNSET
    country: str | None = UNSET
    make: str | None = UNSET
    model: str | None = UNSET
    lens_model: str | None = UNSET
    rating: int | None = UNSET
    min_file_size: int | None = None
    album_ids: list[uuid.UUID] = field(default_factory=list)
    person_ids: list[uuid.UUID] = field(default_factory=list)
    tag_ids: list[uuid.UUID] | None = field(default_factory=list)
    without_stacked: bool = False

    def given(self) -> dict[str, Any]:
        return {
            item.name: getattr(self, item.name)
            for item in fields(self)
            if getattr(self, item.name) is not UNSET
        }


EXIF_CRITERIA = {
    "city": AssetExif.city,
    "state": AssetExif.state,
    "country": AssetExif.country,
    "make": AssetExif.make,
    "model": AssetExif.model,
    "lens_model": AssetExif.lens_model,
    "rating": AssetExif.rating,
}


def scope_conditions(scope: AssetScope) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if scope.owner_ids is not None:
        conditions.append(owner_condition(scope.owner_ids))
    if scope.visibilities is not None:
        conditions.append(
            Asset.visibility == scope.visibilities[0]
            if len(scope.visibilities) == 1
            else Asset.visibility.in_(scope.visibilities)
        )
    if scope.trashed:
        # Trashed assets already being purged ("deleted") are gone as far as listings go.
        conditions += [Asset.deleted_at.is_not(None), Asset.status != DELETED]
    elif scope.trashed is not None:
        conditions.append(Asset.deleted_at.is_(None))
    return conditions


def owner_condition(owner_ids: Sequence[uuid.UUID]) -> ColumnElement[bool]:
    # A single owner as "=" lets PostgreSQL walk (owner_id, date) indexes in order.
    if len(owner_ids) == 1:
        return Asset.owner_id == owner_ids[0]
    return Asset.owner_id.in_(owner_ids)


def unaccented_like(
    column: Any, pattern: str, *, prefix: bool = True, suffix: bool = True
) -> ColumnElement[bool]:
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    wrapped = ("%" if prefix else "") + escaped + ("%" if suffix else "")
    return func.f_unaccent(column).ilike(func.f_unaccent(literal(wrapped)))


def in_albums(album_ids: Sequence[uuid.UUID], *, all_of: bool = True) -> ColumnElement[bool]:
    members = select(AlbumAsset.asset_id).where(AlbumAsset.album_id.in_(album_ids))
    if all_of and len(album_ids) > 1:
        members = members.group_by(AlbumAsset.asset_id).having(
            func.count(AlbumAsset.album_id.distinct()) == len(set(album_ids))
        )
    return Asset.id.in_(members)


def with_people(person_ids: Sequence[uuid.UUID], *, all_of: bool = True) -> ColumnElement[bool]:
    faces = select(AssetFace.asset_id).where(
        AssetFace.person_id.in_(person_ids), AssetFace.deleted_at.is_(None), AssetFace.is_visible.is_(True)
    )
    if all_of and len(person_ids) > 1:
        faces = faces.group_by(AssetFace.asset_id).having(
            func.count(AssetFace.person_id.distinct()) == len(set(person_ids))
        )
    return Asset.id.in_(faces)


def with_tags(tag_ids: Sequence[uuid.UUID], *, all_of: bool = True) -> ColumnElement[bool]:
    """Tagged with each tag or one of its descendants (Immich's tag tree)."""
    tagged = (
        select(TagAsset.asset_id)
        .join(TagClosure, TagClosure.id_descendant == TagAsset.tag_id)
        .where(TagClosure.id_ancestor.in_(tag_ids))
    )
    if all_of and len(tag_ids) > 1:
        tagged = tagged.group_by(TagAsset.asset_id).having(
            func.count(TagClosure.id_ancestor.distinct()) >= len(set(tag_ids))
        )
    return Asset.id.in_(tagged)


def any_album() -> ColumnElement[bool]:
    return exists().where(AlbumAsset.asset_id == Asset.id)


def any_person() -> ColumnElement[bool]:
    return exists().where(
        AssetFace.asset_id == Asset.id, AssetFace.deleted_at.is_(None), AssetFace.is_visible.is_(True)
    )


def any_tag() -> ColumnElement[bool]:
    return exists().where(TagAsset.asset_id == Asset.id)


def ocr_matches(text: str) -> ColumnElement[bool]:
    return exists().where(AssetOcr.asset_id == Asset.id, unaccented_like(AssetOcr.text, text))


def criteria_conditions(criteria: AssetCriteria) -> tuple[list[ColumnElement[bool]], bool]:
    """SQL conditions for ``criteria``, and whether they read ``asset_exif`` (joined by the caller)."""
    given = criteria.given()
    conditions: list[ColumnElement[bool]] = []
    simple: list[tuple[str, Any]] = [
        ("id", lambda value: Asset.id == value),
        ("checksum", lambda value: Asset.checksum == value),
        ("type", lambda value: Asset.type == value),
        ("is_favorite", lambda value: Asset.is_favorite.is_(value)),
        ("is_offline", lambda value: Asset.is_offline.is_(value)),
        ("is_encoded", lambda value: _is_null(Asset.encoded_video_path, not value)),
        ("is_motion", lambda value: _is_null(Asset.live_photo_video_id, not value)),
        ("taken_before", lambda value: Asset.file_created_at <= value),
        ("taken_after", lambda value: Asset.file_created_at >= value),
        ("created_before", lambda value: Asset.created_at <= value),
        ("created_after", lambda value: Asset.created_at >= value),
        ("updated_before", lambda value: Asset.updated_at <= value),
        ("updated_after", lambda value: Asset.updated_at >= value),
        ("trashed_before", lambda value: Asset.deleted_at <= value),
        ("trashed_after", lambda value: Asset.deleted_at >= value),
        ("original_file_name", lambda value: unaccented_like(Asset.original_file_name, value)),
        ("original_path", lambda value: unaccented_like(Asset.original_path, value)),
        ("encoded_video_path", lambda value: Asset.encoded_video_path == value),
        ("ocr", ocr_matches),
    ]
    for name, condition in simple:
        value = given.get(name)
        if value is not None:
            conditions.append(condition(value))
    if "library_id" in given:
        conditions.append(_equal_or_null(Asset.library_id, given["library_id"]))
    uses_exif = False
    for name, column in EXIF_CRITERIA.items():
        if name in given:
            conditions.append(_equal_or_null(column, given[name]))
            uses_exif = True
    if criteria.description:
        conditions.append(unaccented_like(AssetExif.description, criteria.description))
        uses_exif = True
    if criteria.min_file_size is not None:
        conditions.append(AssetExif.file_size_in_byte > criteria.min_file_size)
        uses_exif = True
    if criteria.album_ids:
        conditions.append(in_albums(criteria.album_ids))
    elif criteria.is_not_in_album:
        conditions.append(not_(any_album()))
    if criteria.person_ids:
        conditions.append(with_people(criteria.person_ids))
    if criteria.tag_ids is None:
        conditions.append(not_(any_tag()))
    elif criteria.tag_ids:
        conditions.append(with_tags(criteria.tag_ids))
    if criteria.without_stacked:
        conditions.append(Asset.stack_id.is_(None))
    return conditions, uses_exif


def _is_null(column: Any, is_null: bool) -> ColumnElement[bool]:
    return column.is_(None) if is_null else column.is_not(None)


def _equal_or_null(column: Any, value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


# -- Immich 3.2.2 SearchFilter ----------------------------------------------------------------------

#: SearchFilter field -> (column, kind). Kinds: "value" (eq/ne/in/notIn, null allowed),
#: "pattern" (value + like/notLike/startsWith/endsWith), "range" (value + gt/gte/lt/lte).
FILTER_COLUMNS: dict[str, tuple[Any, str]] = {
    "id": (Asset.id, "value"),
    "libraryId": (Asset.library_id, "value"),
    "type": (Asset.type, "value"),
    "visibility": (Asset.visibility, "value"),
    "checksum": (Asset.checksum, "value"),
    "encodedVideoPath": (Asset.encoded_video_path, "value"),
    "city": (AssetExif.city, "value"),
    "state": (AssetExif.state, "value"),
    "country": (AssetExif.country, "value"),
    "make": (AssetExif.make, "value"),
    "model": (AssetExif.model, "value"),
    "lensModel": (AssetExif.lens_model, "value"),
    "description": (AssetExif.description, "pattern"),
    "originalFileName": (Asset.original_file_name, "pattern"),
    "originalPath": (Asset.original_path, "pattern"),
    "rating": (AssetExif.rating, "range"),
    "fileSizeInBytes": (AssetExif.file_size_in_byte, "range"),
    "takenAt": (Asset.file_created_at, "range"),
    "createdAt": (Asset.created_at, "range"),
    "updatedAt": (Asset.updated_at, "range"),
    "trashedAt": (Asset.deleted_at, "range"),
}
EXIF_FILTER_FIELDS = frozenset(
    {"city", "state", "country", "make", "model", "lensModel", "description", "rating", "fileSizeInBytes"}
)
BOOLEAN_FILTERS: dict[str, Any] = {
    "isFavorite": lambda eq: Asset.is_favorite.is_(eq),
    "isOffline": lambda eq: Asset.is_offline.is_(eq),
    "isMotion": lambda eq: _is_null(Asset.live_photo_video_id, not eq),
    "isEncoded": lambda eq: _is_null(Asset.encoded_video_path, not eq),
    "hasAlbums": lambda eq: any_album() if eq else not_(any_album()),
    "hasPeople": lambda eq: any_person() if eq else not_(any_person()),
    "hasTags": lambda eq: any_tag() if eq else not_(any_tag()),
}
COMPARISONS: dict[str, Any] = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}
IDS_FILTERS: dict[str, Any] = {"albumIds": in_albums, "personIds": with_people, "tagIds": with_tags}


def filter_uses_exif(search_filter: dict[str, Any]) -> bool:
    branches = [search_filter, *search_filter.get("or", [])]
    return any(EXIF_FILTER_FIELDS & set(branch) for branch in branches)


def search_filter_conditions(search_filter: dict[str, Any]) -> list[ColumnElement[bool]]:
    """A ``SearchFilter`` (as given, unset fields left out) as conditions; ``or`` holds branches."""
    conditions = _branch_conditions(search_filter)
    branches = search_filter.get("or") or []
    if branches:
        conditions.append(or_(*(and_(true(), *_branch_conditions(branch)) for branch in branches)))
    return conditions


def _branch_conditions(branch: dict[str, Any]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for name, value in branch.items():
        if name in FILTER_COLUMNS:
            column, kind = FILTER_COLUMNS[name]
            conditions += _operator_conditions(column, kind, value)
        elif name in BOOLEAN_FILTERS:
            conditions.append(BOOLEAN_FILTERS[name](bool(value["eq"])))
        elif name in IDS_FILTERS:
            conditions += _ids_conditions(IDS_FILTERS[name], value)
        elif name == "ocr":
            conditions.append(ocr_matches(value["matches"]))
    return conditions


def _operator_conditions(column: Any, kind: str, operators: dict[str, Any]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for name, value in operators.items():
        if name == "eq":
            conditions.append(_equal_or_null(column, value))
        elif name == "ne":
            conditions.append(column.is_not(None) if value is None else column != value)
        elif name == "in":
            conditions.append(column.in_(value))
        elif name == "notIn":
            conditions.append(column.not_in(value))
        elif kind == "range" and name in COMPARISONS:
            conditions.append(COMPARISONS[name](column, value))
        elif kind == "pattern" and name == "like":
            conditions.append(unaccented_like(column, value))
        elif kind == "pattern" and name == "notLike":
            conditions.append(not_(func.coalesce(unaccented_like(column, value), False)))
        elif kind == "pattern" and name == "startsWith":
            conditions.append(unaccented_like(column, value, prefix=False))
        elif kind == "pattern" and name == "endsWith":
            conditions.append(unaccented_like(column, value, suffix=False))
    return conditions


def _ids_conditions(matcher: Any, ids_filter: dict[str, list[uuid.UUID]]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if ids_filter.get("any"):
        conditions.append(matcher(ids_filter["any"], all_of=False))
    if ids_filter.get("all"):
        conditions.append(matcher(ids_filter["all"], all_of=True))
    if ids_filter.get("none"):
        conditions.append(not_(matcher(ids_filter["none"], all_of=False)))
    return conditions
