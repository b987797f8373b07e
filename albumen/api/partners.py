"""The ``Partners`` tag: share a whole library with another user."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, status

from albumen.api.deps import DbSession, authenticated
from albumen.dto.partners import PartnerCreateDto, PartnerDirection, PartnerResponseDto, PartnerUpdateDto
from albumen.permissions import Permission
from albumen.services import partners
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/partners", tags=["Partners"])


@router.get("")
async def get_partners(
    direction: PartnerDirection,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.PARTNER_READ)],
) -> list[PartnerResponseDto]:
    return await partners.search(db, auth, direction)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_partner(
    dto: PartnerCreateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.PARTNER_CREATE)],
) -> PartnerResponseDto:
    return await partners.create_from_body(db, auth, dto)


@router.post("/{id}", status_code=status.HTTP_201_CREATED, deprecated=True)
async def create_partner_deprecated(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.PARTNER_CREATE)]
) -> PartnerResponseDto:
    return await partners.create(db, auth, id)


@router.put("/{id}")
async def update_partner(
    id: uuid.UUID,
    dto: PartnerUpdateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.PARTNER_UPDATE)],
) -> PartnerResponseDto:
    return await partners.update(db, auth, id, dto)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_partner(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.PARTNER_DELETE)]
) -> None:
    await partners.remove(db, auth, id)
