"""Face DTOs (Immich's ``person.dto`` face parts): a face on an asset, manual faces, deletion."""

from __future__ import annotations

import uuid

from pydantic import Field

from albumen.db.tables import AssetFace, Person
from albumen.dto.base import OmitNoneDto, RequestDto
from albumen.dto.people import PersonResponseDto, to_person_dto


class AssetFaceResponseDto(OmitNoneDto):
    omit_when_none = frozenset({"sourceType"})

    id: str
    imageHeight: int
    imageWidth: int
    boundingBoxX1: int
    boundingBoxX2: int
    boundingBoxY1: int
    boundingBoxY2: int
    person: PersonResponseDto | None
    sourceType: str | None = None


def to_face_dto(face: AssetFace, person: Person | None) -> AssetFaceResponseDto:
    return AssetFaceResponseDto(
        id=str(face.id),
        imageHeight=face.image_height,
        imageWidth=face.image_width,
        boundingBoxX1=face.bounding_box_x1,
        boundingBoxX2=face.bounding_box_x2,
        boundingBoxY1=face.bounding_box_y1,
        boundingBoxY2=face.bounding_box_y2,
        person=to_person_dto(person) if person is not None else None,
        sourceType=face.source_type,
    )


class AssetFaceCreateDto(RequestDto):
    assetId: uuid.UUID
    personId: uuid.UUID
    imageWidth: int = Field(ge=0)
    imageHeight: int = Field(ge=0)
    x: int = Field(ge=0)
    y: int = Field(ge=0)
    width: int = Field(ge=0)
    height: int = Field(ge=0)


class AssetFaceDeleteDto(RequestDto):
    force: bool


class FaceDto(RequestDto):
    id: uuid.UUID
