"""People: the list with counts, a person's details and statistics, updates, merges, reassignments.

Access follows Immich: a person belongs to one user, and only that user may read or change them;
anything else is Immich's 400 "Not found or no <permission> access".
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.config import Settings
from albumen.db.repositories.faces import FaceRepository
from albumen.db.repositories.people import PersonRepository
from albumen.db.tables import Person
from albumen.dto.asset_ids import BulkIdErrorReason, BulkIdResponseDto
from albumen.dto.people import (
    AssetFaceUpdateDto,
    PeopleResponseDto,
    PeopleUpdateDto,
    PersonCreateDto,
    PersonResponseDto,
    PersonStatisticsResponseDto,
    PersonUpdateDto,
    to_person_dto,
)
from albumen.jobs import JobName, enqueue
from albumen.permissions import Permission
from albumen.services.access import require_assets
from albumen.services.asset_media import MediaFile, media_file
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError, NotFoundError
from albumen.services.system_config import get_config
from albumen.storage.base import Storage

logger = logging.getLogger(__name__)

#: Immich's thumbnails of people are fetched fresh each time (CacheControl.PRIVATE_WITHOUT_CACHE).
NO_CACHE = "private, no-cache, no-transform"


async def allowed_people(
    db: AsyncSession, auth: AuthContext, person_ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    return await PersonRepository(db).owned(auth.user_id, person_ids)


async def require_people(
    db: AsyncSession, auth: AuthContext, permission: Permission, person_ids: Iterable[uuid.UUID]
) -> None:
    wanted = set(person_ids)
    if wanted - await allowed_people(db, auth, wanted):
        raise BadRequestError(f"Not found or no {permission.value} access")


async def _find(db: AsyncSession, person_id: uuid.UUID) -> Person:
    person = await PersonRepository(db).get(person_id)
    if person is None:
        raise BadRequestError("Person not found")
    return person


async def list_people(
    db: AsyncSession,
    settings: Settings,
    auth: AuthContext,
    *,
    with_hidden: bool,
    page: int,
    size: int,
    closest_asset_id: uuid.UUID | None = None,
    closest_person_id: uuid.UUID | None = None,
) -> PeopleResponseDto:
    """``GET /people``: one page, plus how many people (and hidden ones) the caller has in all."""
    people = PersonRepository(db)
    closest_face_id: uuid.UUID | None = None
    if closest_person_id is not None:
        person = await people.get(closest_person_id)
        if person is None or person.owner_id != auth.user_id or person.face_asset_id is None:
            raise NotFoundError("Person not found")
        closest_face_id = person.face_asset_id
    elif closest_asset_id is not None:
        # Immich passes the id on as a face id; a face of the asset is the nearest thing to it.
        await require_assets(db, auth, Permission.ASSET_READ, [closest_asset_id])
        faces = await FaceRepository(db).faces_of_asset(closest_asset_id)
        closest_face_id = faces[0][0].id if faces else None
    config = await get_config(db, settings)
    found, has_next = await people.list_for_user(
        auth.user_id,
        min_faces=config.machineLearning.facialRecognition.minFaces,
        with_hidden=with_hidden,
        offset=(page - 1) * size,
        limit=size,
        closest_face_id=closest_face_id,
    )
    counts = await people.counts(auth.user_id)
    return PeopleResponseDto(
        people=[to_person_dto(person) for person in found],
        hasNextPage=has_next,
        total=counts.total,
        hidden=counts.hidden,
    )


async def create_person(db: AsyncSession, auth: AuthContext, dto: PersonCreateDto) -> PersonResponseDto:
    person = await PersonRepository(db).create(
        auth.user_id,
        name=dto.name,
        birth_date=dto.birthDate,
        is_hidden=dto.isHidden,
        is_favorite=dto.isFavorite,
        color=dto.color,
    )
    await db.commit()
    return to_person_dto(person)


async def get_person(db: AsyncSession, auth: AuthContext, person_id: uuid.UUID) -> PersonResponseDto:
    await require_people(db, auth, Permission.PERSON_READ, [person_id])
    return to_person_dto(await _find(db, person_id))


async def statistics(
    db: AsyncSession, auth: AuthContext, person_id: uuid.UUID
) -> PersonStatisticsResponseDto:
    await require_people(db, auth, Permission.PERSON_STATISTICS, [person_id])
    return PersonStatisticsResponseDto(assets=await PersonRepository(db).asset_count(person_id))


async def thumbnail(db: AsyncSession, storage: Storage, auth: AuthContext, person_id: uuid.UUID) -> MediaFile:
    await require_people(db, auth, Permission.PERSON_READ, [person_id])
    person = await PersonRepository(db).get(person_id)
    if person is None or not person.thumbnail_path:
        raise NotFoundError("Not Found")
    found = await media_file(storage.local_path(person.thumbnail_path), content_type="image/jpeg")
    return dataclasses.replace(found, cache_control=NO_CACHE)


async def _apply_update(
    db: AsyncSession, auth: AuthContext, person_id: uuid.UUID, dto: PersonUpdateDto
) -> Person:
    await require_people(db, auth, Permission.PERSON_UPDATE, [person_id])
    values: dict[str, Any] = {}
    given = dto.model_fields_set
    if "name" in given and dto.name is not None:
        values["name"] = dto.name
    if "birthDate" in given:
        values["birth_date"] = dto.birthDate
    if "isHidden" in given and dto.isHidden is not None:
        values["is_hidden"] = dto.isHidden
    if "isFavorite" in given and dto.isFavorite is not None:
        values["is_favorite"] = dto.isFavorite
    if "color" in given:
        values["color"] = dto.color
    people = PersonRepository(db)
    if dto.featureFaceAssetId is not None:
        await require_assets(db, auth, Permission.ASSET_READ, [dto.featureFaceAssetId])
        faces = await FaceRepository(db).faces_by_asset_and_person([(person_id, dto.featureFaceAssetId)])
        if not faces:
            raise BadRequestError("Invalid assetId for feature face")
        values["face_asset_id"] = faces[0].id
    person = await people.update(person_id, values)
    if person is None:
        raise BadRequestError("Person not found")
    if dto.featureFaceAssetId is not None:
        await queue_person_thumbnail(db, person_id)
    return person


async def queue_person_thumbnail(db: AsyncSession, person_id: uuid.UUID) -> None:
    await enqueue(db, JobName.PERSON_GENERATE_THUMBNAIL, {"id": str(person_id)}, dedupe_key=str(person_id))


async def update_person(
    db: AsyncSession, auth: AuthContext, person_id: uuid.UUID, dto: PersonUpdateDto
) -> PersonResponseDto:
    person = await _apply_update(db, auth, person_id, dto)
    await db.commit()
    return to_person_dto(person)


async def update_people(db: AsyncSession, auth: AuthContext, dto: PeopleUpdateDto) -> list[BulkIdResponseDto]:
    """``PUT /people``: each update on its own; a failure is reported for that id only."""
    results: list[BulkIdResponseDto] = []
    for item in dto.people:
        try:
            async with db.begin_nested():
                await _apply_update(db, auth, item.id, item)
            results.append(BulkIdResponseDto(id=str(item.id), success=True))
        except (BadRequestError, NotFoundError) as error:
            logger.info("unable to update person %s: %s", item.id, error)
            results.append(BulkIdResponseDto(id=str(item.id), success=False, error=BulkIdErrorReason.UNKNOWN))
    await db.commit()
    return results


async def delete_people(
    db: AsyncSession, storage: Storage, auth: AuthContext, person_ids: list[uuid.UUID]
) -> None:
    await require_people(db, auth, Permission.PERSON_DELETE, person_ids)
    thumbnails = await PersonRepository(db).delete(person_ids)
    await db.commit()
    for key in thumbnails:
        await storage.delete(key)


async def merge(
    db: AsyncSession, storage: Storage, auth: AuthContext, person_id: uuid.UUID, merge_ids: list[uuid.UUID]
) -> list[BulkIdResponseDto]:
    """``POST /people/{id}/merge``: the others' faces move to ``person_id``, who takes a name and
    birth date they lack; the others are deleted. Per-id results, as Immich's."""
    if person_id in merge_ids:
        raise BadRequestError("Cannot merge a person into themselves")
    await require_people(db, auth, Permission.PERSON_UPDATE, [person_id])
    primary = await _find(db, person_id)
    allowed = await allowed_people(db, auth, merge_ids)
    return await _merge_into(db, storage, primary, merge_ids, allowed)


async def merge_people(
    db: AsyncSession, storage: Storage, auth: AuthContext, person_ids: list[uuid.UUID]
) -> list[BulkIdResponseDto]:
    """``POST /people/merge`` (Immich 3.2.1+): an ordered list merged into its first person the caller
    may merge, so the kept name and birth date are the first ones set in that order. The kept person
    gets no result; each other id gets one, as with the per-person route."""
    if len(person_ids) < 2:
        raise BadRequestError("At least two people are required for merging")
    if len(set(person_ids)) != len(person_ids):
        raise BadRequestError("Cannot merge a person into themselves")
    allowed = await allowed_people(db, auth, person_ids)
    kept = next((person_id for person_id in person_ids if person_id in allowed), None)
    if kept is None:
        return [_refused(person_id, BulkIdErrorReason.NO_PERMISSION) for person_id in person_ids]
    primary = await _find(db, kept)
    # Ids before the kept one are all refused; Immich lists results in request order.
    before = person_ids[: person_ids.index(kept)]
    after = person_ids[person_ids.index(kept) + 1 :]
    refused = [_refused(person_id, BulkIdErrorReason.NO_PERMISSION) for person_id in before]
    return refused + await _merge_into(db, storage, primary, after, allowed)


def _refused(person_id: uuid.UUID, reason: BulkIdErrorReason) -> BulkIdResponseDto:
    return BulkIdResponseDto(id=str(person_id), success=False, error=reason)


async def _merge_into(
    db: AsyncSession, storage: Storage, primary: Person, merge_ids: list[uuid.UUID], allowed: set[uuid.UUID]
) -> list[BulkIdResponseDto]:
    """Move the faces of each allowed id to ``primary`` (filling a name and birth date it lacks),
    delete those people and their thumbnails, and commit."""
    people, faces = PersonRepository(db), FaceRepository(db)
    results: list[BulkIdResponseDto] = []
    thumbnails: list[str] = []
    for merge_id in merge_ids:
        if merge_id not in allowed:
            results.append(_refused(merge_id, BulkIdErrorReason.NO_PERMISSION))
            continue
        other = await people.get(merge_id)
        if other is None:
            results.append(_refused(merge_id, BulkIdErrorReason.NOT_FOUND))
            continue
        values: dict[str, Any] = {}
        if not primary.name and other.name:
            values["name"] = other.name
        if primary.birth_date is None and other.birth_date is not None:
            values["birth_date"] = other.birth_date
        if values:
            primary = await people.update(primary.id, values) or primary
        await faces.move_all(merge_id, primary.id)
        thumbnails += await people.delete([merge_id])
        results.append(BulkIdResponseDto(id=str(merge_id), success=True))
    await db.commit()
    for key in thumbnails:
        await storage.delete(key)
    return results


async def reassign_faces(
    db: AsyncSession, auth: AuthContext, person_id: uuid.UUID, dto: AssetFaceUpdateDto
) -> list[PersonResponseDto]:
    """``PUT /people/{id}/reassign``: the faces of ``(personId, assetId)`` pairs move to ``person_id``;
    people who lose their feature face (or the target without one) get a new one."""
    await require_people(db, auth, Permission.PERSON_UPDATE, [person_id])
    person = await _find(db, person_id)
    faces = FaceRepository(db)
    found = await faces.faces_by_asset_and_person([(item.personId, item.assetId) for item in dto.data])
    face_ids = [face.id for face in found]
    if set(face_ids) - await faces.owned_faces(auth.user_id, face_ids):
        raise BadRequestError(f"Not found or no {Permission.PERSON_CREATE.value} access")
    refresh = set(await PersonRepository(db).with_feature_face(face_ids))
    if person.face_asset_id is None and face_ids:
        refresh.add(person_id)
    await faces.assign(face_ids, person_id)
    await refresh_feature_faces(db, refresh)
    await db.commit()
    person = await _find(db, person_id)
    return [to_person_dto(person) for _ in dto.data]


async def refresh_feature_faces(db: AsyncSession, person_ids: Iterable[uuid.UUID]) -> None:
    """Give each person a face of theirs as feature photo (none left: none) and queue its thumbnail."""
    people, faces = PersonRepository(db), FaceRepository(db)
    for person_id in person_ids:
        face = await faces.any_face_of(person_id)
        await people.set_feature_face(person_id, face.id if face else None)
        if face is not None:
            await queue_person_thumbnail(db, person_id)
