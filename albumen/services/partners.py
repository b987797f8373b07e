"""Partners: a user shares their whole library with another, who may show it in their timeline."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.partners import PartnerRepository
from albumen.db.repositories.users import UserRepository
from albumen.db.tables import Partner, User
from albumen.dto.partners import PartnerCreateDto, PartnerDirection, PartnerResponseDto, PartnerUpdateDto
from albumen.dto.users import to_user_dto
from albumen.permissions import Permission
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError


def _to_dto(partner: Partner, other: User) -> PartnerResponseDto:
    """Immich answers with the other user of the share, plus ``inTimeline``."""
    return PartnerResponseDto(**to_user_dto(other).model_dump(), inTimeline=partner.in_timeline)


async def search(
    db: AsyncSession, auth: AuthContext, direction: PartnerDirection
) -> list[PartnerResponseDto]:
    partners = PartnerRepository(db)
    if direction is PartnerDirection.SHARED_BY:
        rows = await partners.list_shared_by(auth.user_id)
    else:
        rows = await partners.list_shared_with(auth.user_id)
    return [_to_dto(partner, other) for partner, other in rows]


async def create(db: AsyncSession, auth: AuthContext, shared_with_id: uuid.UUID) -> PartnerResponseDto:
    """Share the caller's library with ``shared_with_id`` (not with themselves, not twice)."""
    if shared_with_id == auth.user_id:
        raise BadRequestError("Cannot create a partner with yourself")
    partners = PartnerRepository(db)
    if await partners.get(auth.user_id, shared_with_id) is not None:
        raise BadRequestError("Partner already exists")
    other = await UserRepository(db).get(shared_with_id)
    if other is None:
        raise BadRequestError("Invalid user")
    partner = await partners.create(auth.user_id, shared_with_id)
    if partner is None:
        raise BadRequestError("Partner already exists")
    await db.commit()
    return _to_dto(partner, other)


async def create_from_body(db: AsyncSession, auth: AuthContext, dto: PartnerCreateDto) -> PartnerResponseDto:
    return await create(db, auth, dto.sharedWithId)


async def update(
    db: AsyncSession, auth: AuthContext, shared_by_id: uuid.UUID, dto: PartnerUpdateDto
) -> PartnerResponseDto:
    """The one shared with decides whether the partner's photos show in their timeline."""
    partner = await PartnerRepository(db).set_in_timeline(shared_by_id, auth.user_id, dto.inTimeline)
    other = await UserRepository(db).get(shared_by_id)
    if partner is None or other is None:
        raise BadRequestError(f"Not found or no {Permission.PARTNER_UPDATE.value} access")
    await db.commit()
    return _to_dto(partner, other)


async def remove(db: AsyncSession, auth: AuthContext, shared_with_id: uuid.UUID) -> None:
    """Stop sharing with ``shared_with_id``; their devices drop the assets on their next sync."""
    if not await PartnerRepository(db).delete(auth.user_id, shared_with_id):
        raise BadRequestError("Partner not found")
    await db.commit()
