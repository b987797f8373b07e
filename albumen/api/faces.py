"""The ``Faces`` tag: the faces on an asset, drawn by hand, deleted or given to another person."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from albumen.api.deps import DbSession, authenticated
from albumen.dto.faces import AssetFaceCreateDto, AssetFaceDeleteDto, AssetFaceResponseDto, FaceDto
from albumen.dto.people import PersonResponseDto
from albumen.permissions import Permission
from albumen.services import faces
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/faces", tags=["Faces"])


@router.get("")
async def get_faces(
    id: Annotated[uuid.UUID, Query()],
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.FACE_READ)],
) -> list[AssetFaceResponseDto]:
    return await faces.get_faces(db, auth, id)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_face(
    dto: AssetFaceCreateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.FACE_CREATE)],
) -> None:
    await faces.create_face(db, auth, dto)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_face(
    id: uuid.UUID,
    dto: AssetFaceDeleteDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.FACE_DELETE)],
) -> None:
    await faces.delete_face(db, auth, id, force=dto.force)


@router.put("/{id}")
async def reassign_faces_by_id(
    id: uuid.UUID,
    dto: FaceDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.FACE_UPDATE)],
) -> PersonResponseDto:
    return await faces.reassign_face(db, auth, id, dto.id)
