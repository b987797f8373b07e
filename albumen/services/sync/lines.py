"""One NDJSON line per sync event: ``{"type", "data", "ack"}``, ack = ``type|updateId[|extraId]``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from albumen.db.repositories.sync import KEY, TIE
from albumen.db.repositories.sync_columns import JSON_FIELDS
from albumen.dto.sync import SyncEntityType
from albumen.services.errors import BadRequestError

COMPLETE = "complete"
RESET = "reset"


@dataclass(frozen=True)
class Ack:
    """A parsed checkpoint. For a backfill, ``update_id`` is the parent's create id and ``extra`` the
    last row sent (or ``complete``)."""

    type: str
    update_id: str
    extra: str | None = None

    @property
    def position(self) -> uuid.UUID:
        return uuid.UUID(self.update_id)


def parse_ack(ack: str) -> Ack:
    """``type|updateId[|extraId]``; a malformed one is the client's error (400)."""
    parts = ack.split("|")
    if len(parts) not in (2, 3):
        raise BadRequestError(f"Invalid ack: {ack}")
    kind, update_id, *extra = parts
    if kind not in SyncEntityType.__members__.values():
        raise BadRequestError(f"Invalid ack type: {kind}")
    if kind != SyncEntityType.SYNC_RESET_V1:
        for value in (update_id, *(item for item in extra if item != COMPLETE)):
            try:
                uuid.UUID(value)
            except ValueError:
                raise BadRequestError(f"Invalid ack: {ack}") from None
    return Ack(kind, update_id, extra[0] if extra else None)


def line(kind: str, data: Any, ack: str) -> bytes:
    return orjson.dumps({"type": kind, "data": data, "ack": ack}) + b"\n"


def control_line(kind: SyncEntityType, ack: str) -> bytes:
    """``SyncAckV1``, ``SyncResetV1`` or ``SyncCompleteV1``: no data, only a checkpoint."""
    return line(kind, {}, ack)


def encode_page(kind: str, records: Iterable[Any], ack_prefix: str) -> bytes:
    """The lines of a page of records; each ack is ``ack_prefix`` plus the record's key."""
    lines = []
    for record in records:
        data = dict(record)
        key = data.pop(KEY)
        data.pop(TIE, None)
        for field in JSON_FIELDS.intersection(data):
            if data[field] is not None:
                data[field] = orjson.Fragment(data[field])
        lines.append(line(kind, data, ack_prefix + key))
    return b"".join(lines)
