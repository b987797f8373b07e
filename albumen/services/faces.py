"""Faces on an asset: list them, draw one by hand, delete one, give one to another person.

A face belongs to the owner of its asset (Immich's face access); people follow ``services.people``.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.faces import FaceRepository, NewFace
from albumen.db.repositories.people import PersonRepository
from albumen.dto.faces import AssetFaceCreateDto, AssetFaceResponseDto, to_face_dto
from albumen.dto.people import PersonResponseDto, to_person_dto
from albumen.permissions import Permission
from albumen.services.access import require_assets
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError
from albumen.services.people import refresh_feature_faces, require_people

MANUAL_SOURCE = "manual"


async def require_faces(
    db: AsyncSession, auth: AuthContext, permission: Permission, face_id: uuid.UUID
) -> None:
    if not await FaceRepository(db).owned_faces(auth.user_id, [face_id]):
        raise BadRequestError(f"Not found or no {permission.value} access")


async def get_faces(db: AsyncSession, auth: AuthContext, asset_id: uuid.UUID) -> list[AssetFaceResponseDto]:
    await require_assets(db, auth, Permission.ASSET_READ, [asset_id])
    return [to_face_dto(face, person) for face, person in await FaceRepository(db).faces_of_asset(asset_id)]


async def create_face(db: AsyncSession, auth: AuthContext, dto: AssetFaceCreateDto) -> None:
    """``POST /faces``: a face drawn by hand (``x``/``y``/``width``/``height`` in pixels of an
    ``imageWidth`` x ``imageHeight`` rendering of the asset), already given to ``personId``."""
    await require_assets(db, auth, Permission.ASSET_READ, [dto.assetId])
    await require_people(db, auth, Permission.PERSON_READ, [dto.personId])
    face = NewFace(
        id=uuid.uuid4(),
        asset_id=dto.assetId,
        image_width=dto.imageWidth,
        image_height=dto.imageHeight,
        x1=dto.x,
        y1=dto.y,
        x2=dto.x + dto.width,
        y2=dto.y + dto.height,
        score=None,
        source_type=MANUAL_SOURCE,
        person_id=dto.personId,
    )
    await FaceRepository(db).add([face])
    person = await PersonRepository(db).get(dto.personId)
    if person is not None and person.face_asset_id is None:
        await refresh_feature_faces(db, [person.id])
    await db.commit()


async def delete_face(db: AsyncSession, auth: AuthContext, face_id: uuid.UUID, *, force: bool) -> None:
    """``DELETE /faces/{id}``: ``force`` removes the row, otherwise it is marked deleted (and kept
    from coming back on the next detection, as Immich). Its person gets another feature face."""
    await require_faces(db, auth, Permission.FACE_DELETE, face_id)
    faces = FaceRepository(db)
    people_to_refresh = await PersonRepository(db).with_feature_face([face_id])
    if force:
        await faces.delete([face_id])
    else:
        await faces.soft_delete(face_id)
    await refresh_feature_faces(db, people_to_refresh)
    await db.commit()


async def reassign_face(
    db: AsyncSession, auth: AuthContext, person_id: uuid.UUID, face_id: uuid.UUID
) -> PersonResponseDto:
    """``PUT /faces/{id}``: the path names the person, the body the face that moves to them."""
    await require_people(db, auth, Permission.PERSON_UPDATE, [person_id])
    await require_faces(db, auth, Permission.PERSON_CREATE, face_id)
    faces, people = FaceRepository(db), PersonRepository(db)
    face = await faces.get(face_id)
    person = await people.get(person_id)
    if face is None or person is None:
        raise BadRequestError("Person not found")
    refresh = set(await people.with_feature_face([face_id]))
    if person.face_asset_id is None:
        refresh.add(person_id)
    await faces.assign([face_id], person_id)
    await refresh_feature_faces(db, refresh)
    await db.commit()
    updated = await people.get(person_id)
    assert updated is not None
    await db.refresh(updated)
    return to_person_dto(updated)
