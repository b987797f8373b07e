"""People DTOs (Immich's ``person.dto``): a person, the paged list, updates, merges, reassignments."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field, field_validator

from albumen.db.tables import Person
from albumen.dto.base import Dto, RequestDto
from albumen.dto.search import PersonResponseDto

__all__ = [
    "AssetFaceUpdateDto",
    "AssetFaceUpdateItem",
    "MergePersonDto",
    "PeopleResponseDto",
    "PeopleUpdateDto",
    "PeopleUpdateItem",
    "PersonCreateDto",
    "PersonResponseDto",
    "PersonStatisticsResponseDto",
    "PersonUpdateDto",
    "to_person_dto",
]


def to_person_dto(person: Person) -> PersonResponseDto:
    return PersonResponseDto(
        id=str(person.id),
        name=person.name,
        birthDate=person.birth_date.isoformat() if person.birth_date else None,
        thumbnailPath=person.thumbnail_path,
        isHidden=person.is_hidden,
        isFavorite=person.is_favorite,
        color=person.color,
        updatedAt=person.updated_at,
    )


class PeopleResponseDto(Dto):
    total: int
    hidden: int
    hasNextPage: bool | None = None
    people: list[PersonResponseDto]


class PersonStatisticsResponseDto(Dto):
    assets: int


class _PersonFields(RequestDto):
    name: str | None = None
    birthDate: date | None = None
    isHidden: bool | None = None
    isFavorite: bool | None = None
    color: str | None = None

    @field_validator("birthDate")
    @classmethod
    def _not_in_the_future(cls, value: date | None) -> date | None:
        if value is not None and value > date.today():
            raise ValueError("Birth date cannot be in the future")
        return value


class PersonCreateDto(_PersonFields):
    pass


class PersonUpdateDto(_PersonFields):
    featureFaceAssetId: uuid.UUID | None = None


class PeopleUpdateItem(PersonUpdateDto):
    id: uuid.UUID


class PeopleUpdateDto(RequestDto):
    people: list[PeopleUpdateItem]


class MergePersonDto(RequestDto):
    ids: list[uuid.UUID] = Field(min_length=1)


class AssetFaceUpdateItem(RequestDto):
    personId: uuid.UUID
    assetId: uuid.UUID


class AssetFaceUpdateDto(RequestDto):
    data: list[AssetFaceUpdateItem]
