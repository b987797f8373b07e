"""``AssetResponseDto`` for lists (search pages, folders, duplicates), written by PostgreSQL.

A search page holds hundreds of assets with their EXIF: building a dict per asset in Python and
serializing it cost more than the query. The database writes each item's JSON (``row_to_json`` of a
one-row lateral subquery: faster than ``json_build_object`` or than Python pairing pre-formatted
columns with their names), which goes into the response unparsed. Each item comes with its
version, so that a rendered item can be kept until its rows change.
``tests/db/test_asset_items.py`` checks the items against ``to_asset_dto`` field for field.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import LateralFromClause

from albumen.db.repositories.raw import fetch_template
from albumen.db.repositories.sync_columns import base64, iso
from albumen.db.tables import Asset, AssetExif, AssetFace, Person

#: ``posixpath.splitext`` of the file name, lower-cased: the last dot of the base name, provided
#: something other than dots comes before it (``.jpg`` alone has no extension).
EXTENSION = r"^(?:.*[/\\])?\.*[^./\\][^/\\]*(\.[^./\\]*)$"


@dataclass(frozen=True, slots=True)
class ItemVersion:
    """What an item is written from: its rows' ``update_id`` (renewed by every UPDATE; the EXIF one
    None without EXIF), and the owner (a favourite shows only to them)."""

    owner_id: uuid.UUID
    asset: uuid.UUID
    exif: uuid.UUID | None


def _text(value: str) -> ColumnElement[Any]:
    """A constant written into the SQL (names and fixed values: no parameter per use)."""
    return literal_column("'" + value.replace("'", "''") + "'")


def _row(fields: Mapping[str, Any], name: str) -> LateralFromClause:
    """``fields`` as the columns of a one-row lateral subquery, for ``row_to_json``."""
    columns = (value.label(key) for key, value in fields.items())
    return select(*columns).correlate(Asset, AssetExif).lateral(name)


def _json_of(row: LateralFromClause) -> ColumnElement[Any]:
    return cast(func.row_to_json(literal_column(row.name)), Text)


def _with_key(obj: ColumnElement[Any], key: str, value: ColumnElement[Any]) -> ColumnElement[Any]:
    """``obj`` (a JSON object's text) with ``"key": value`` (JSON text) added, or as it is where
    ``value`` is NULL: the way to leave a key out rather than send null."""
    return func.concat(func.left(obj, -1), _text(f',"{key}":').op("||")(value), _text("}"))


def _people() -> ColumnElement[Any]:
    """``PersonResponseDto[]`` of the people whose visible faces are on the asset, each once, by
    name; ``color`` left out where a person has none."""
    fields = func.json_build_object(
        *(_text("id"), Person.id, _text("name"), Person.name),
        *(_text("birthDate"), func.to_char(Person.birth_date, _text("YYYY-MM-DD"))),
        *(_text("thumbnailPath"), Person.thumbnail_path, _text("isHidden"), Person.is_hidden),
        *(_text("isFavorite"), Person.is_favorite, _text("updatedAt"), iso(Person.updated_at)),
    )
    person = cast(_with_key(cast(fields, Text), "color", cast(func.to_json(Person.color), Text)), JSON)
    on_asset = (
        select(AssetFace.person_id)
        .where(AssetFace.asset_id == Asset.id, AssetFace.deleted_at.is_(None), AssetFace.is_visible.is_(True))
        .correlate(Asset)
    )
    people = select(func.json_agg(aggregate_order_by(person, Person.name, Person.id))).where(
        Person.id.in_(on_asset)
    )
    return func.coalesce(people.scalar_subquery(), literal_column("'[]'::json"))


def _asset_row(mime_types: str, unknown_mime_type: str, *, with_people: bool) -> LateralFromClause:
    """``AssetResponseDto`` without ``exifInfo``."""
    extension = func.lower(func.substring(Asset.original_file_name, _text(EXTENSION)))
    # A constant, not a parameter: PostgreSQL parses it once per plan rather than once per row.
    mime_type = cast(_text(mime_types), JSONB).op("->>")(extension)
    return _row(
        {
            "id": Asset.id,
            "ownerId": Asset.owner_id,
            "libraryId": Asset.library_id,
            "type": Asset.type,
            "originalPath": Asset.original_path,
            "originalFileName": Asset.original_file_name,
            "originalMimeType": func.coalesce(mime_type, _text(unknown_mime_type)),
            "thumbhash": func.nullif(base64(Asset.thumbhash), _text("")),
            "fileCreatedAt": iso(Asset.file_created_at),
            "fileModifiedAt": iso(Asset.file_modified_at),
            "localDateTime": iso(Asset.local_date_time),
            "createdAt": iso(Asset.created_at),
            "updatedAt": iso(Asset.updated_at),
            # A favourite is the owner's mark: others (partners, album members) see false, as in Immich.
            "isFavorite": and_(Asset.is_favorite, Asset.owner_id == bindparam("viewer_id", type_=UUID)),
            "isArchived": Asset.visibility == _text("archive"),
            "isTrashed": Asset.deleted_at.is_not(None),
            "isOffline": Asset.is_offline,
            "isEdited": Asset.is_edited,
            "visibility": Asset.visibility,
            "duration": Asset.duration_ms,
            "width": Asset.width,
            "height": Asset.height,
            "livePhotoVideoId": Asset.live_photo_video_id,
            "tags": literal_column("'[]'::json"),
            "people": _people() if with_people else literal_column("'[]'::json"),
            "checksum": base64(Asset.checksum),
            "duplicateId": Asset.duplicate_id,
            "resized": Asset.thumbhash.is_not(None),
            "hasMetadata": AssetExif.asset_id.is_not(None),
        },
        "asset_item",
    )


def _exif_row() -> LateralFromClause:
    """``ExifResponseDto``."""
    return _row(
        {
            "make": AssetExif.make,
            "model": AssetExif.model,
            "exifImageWidth": AssetExif.exif_image_width,
            "exifImageHeight": AssetExif.exif_image_height,
            "fileSizeInByte": AssetExif.file_size_in_byte,
            "orientation": AssetExif.orientation,
            "dateTimeOriginal": iso(AssetExif.date_time_original),
            "modifyDate": iso(AssetExif.modify_date),
            "timeZone": AssetExif.time_zone,
            "lensModel": AssetExif.lens_model,
            "fNumber": AssetExif.f_number,
            "focalLength": AssetExif.focal_length,
            "iso": AssetExif.iso,
            "exposureTime": AssetExif.exposure_time,
            "latitude": AssetExif.latitude,
            "longitude": AssetExif.longitude,
            "city": AssetExif.city,
            "state": AssetExif.state,
            "country": AssetExif.country,
            "description": AssetExif.description,
            "projectionType": AssetExif.projection_type,
            "rating": AssetExif.rating,
        },
        "exif_item",
    )


def _of_assets(*columns: Any) -> Select[*tuple[Any, ...]]:
    wanted = bindparam("asset_ids", type_=ARRAY(UUID(as_uuid=True)))
    return (
        select(Asset.id, Asset.owner_id, Asset.update_id, AssetExif.update_id, *columns)
        .outerjoin(AssetExif, AssetExif.asset_id == Asset.id)
        .where(Asset.id == any_(wanted))
    )


def _items_query(
    mime_types: str, unknown_mime_type: str, *, with_exif: bool, with_people: bool
) -> Select[*tuple[Any, ...]]:
    asset = _asset_row(mime_types, unknown_mime_type, with_people=with_people)
    if not with_exif:
        return _of_assets(_json_of(asset)).join(asset, true())
    # Without an EXIF row there is no lateral row: NULL, and the item goes without ``exifInfo``.
    exif = _exif_row()
    item = _with_key(_json_of(asset), "exifInfo", _json_of(exif))
    return _of_assets(item).join(asset, true()).outerjoin(exif, AssetExif.asset_id.is_not(None))


async def item_versions(
    session: AsyncSession, asset_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ItemVersion]:
    """The version of each asset's item (assets that are gone are left out)."""
    if not asset_ids:
        return {}
    records = await fetch_template(session, "asset_item_versions", _of_assets, {"asset_ids": list(asset_ids)})
    return {record[0]: ItemVersion(*record[1:4]) for record in records}


async def asset_items(
    session: AsyncSession,
    asset_ids: Sequence[uuid.UUID],
    *,
    viewer_id: uuid.UUID,
    mime_types: str,
    unknown_mime_type: str,
    with_exif: bool,
    with_people: bool = False,
) -> dict[uuid.UUID, tuple[ItemVersion, str]]:
    """Each asset's ``AssetResponseDto`` as JSON text, with its version, by id (assets that are gone
    are left out). ``mime_types``: a JSON object of MIME types by lower-case extension
    (``".jpg"``), the same text every call; ``unknown_mime_type`` for any other."""
    if not asset_ids:
        return {}
    records = await fetch_template(
        session,
        ("asset_items", mime_types, unknown_mime_type, with_exif, with_people),
        lambda: _items_query(mime_types, unknown_mime_type, with_exif=with_exif, with_people=with_people),
        {"asset_ids": list(asset_ids), "viewer_id": viewer_id},
    )
    return {record[0]: (ItemVersion(*record[1:4]), record[4]) for record in records}
