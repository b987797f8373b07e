"""Base models for DTOs: camelCase names on the wire and timestamps as JavaScript prints them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, PlainSerializer, SerializerFunctionWrapHandler, model_serializer


def iso_timestamp(value: datetime) -> str:
    """``2024-07-14T18:30:00.000Z``: what Immich's ``Date.toISOString()`` sends."""
    if value.tzinfo is UTC:
        # What the database driver returns (the session runs in UTC): lists format thousands of these,
        # and %-formatting the fields takes half the time of isoformat().
        return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (  # noqa: UP031
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond // 1000,
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


Timestamp = Annotated[datetime, PlainSerializer(iso_timestamp, return_type=str)]


class Dto(BaseModel):
    model_config = ConfigDict(populate_by_name=True, from_attributes=True)


class RequestDto(BaseModel):
    """Request bodies ignore unknown fields, as Immich's (clients send fields newer servers dropped)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class OmitNoneDto(Dto):
    """A DTO whose optional fields are left out when empty, as JavaScript drops ``undefined`` values."""

    omit_when_none: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _omit_none(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {
            key: value for key, value in data.items() if value is not None or key not in self.omit_when_none
        }
