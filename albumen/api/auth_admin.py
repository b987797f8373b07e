"""The ``Authentication (admin)`` tag."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from albumen.api.deps import DbSession, authenticated
from albumen.permissions import Permission
from albumen.services import auth as auth_service
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/admin/auth", tags=["Authentication (admin)"])


@router.post("/unlink-all", status_code=status.HTTP_204_NO_CONTENT)
async def unlink_all_oauth_accounts_admin(
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.ADMIN_AUTH_UNLINK_ALL, admin=True)],
) -> None:
    await auth_service.unlink_all_oauth_accounts(db)
