"""The ``Shared links`` tag (Immich 3.2.2: 9 operations)."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response, status

from albumen.api.deps import SHARED_LINK_TOKEN_COOKIE, Auth, DbSession, authenticated, shared_link_tokens
from albumen.dto.shared_links import (
    AssetIdsDto,
    AssetIdsResponseDto,
    SharedLinkCreateDto,
    SharedLinkEditDto,
    SharedLinkLoginDto,
    SharedLinkResponseDto,
)
from albumen.permissions import Permission
from albumen.services import shared_links
from albumen.services.authentication import AuthContext

router = APIRouter(prefix="/shared-links", tags=["Shared links"])

#: The visitor's link, by key or slug (read by the auth dependency; declared for the API docs).
LinkKey = Annotated[str | None, Query()]
#: Immich keeps a link's login for a day.
LOGIN_COOKIE_MAX_AGE = 24 * 60 * 60


@router.get("")
async def get_all_shared_links(
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.SHARED_LINK_READ)],
    albumId: uuid.UUID | None = None,
    id: uuid.UUID | None = None,
) -> list[SharedLinkResponseDto]:
    return await shared_links.list_links(db, auth, link_id=id, album_id=albumId)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_shared_link(
    dto: SharedLinkCreateDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.SHARED_LINK_CREATE)],
) -> SharedLinkResponseDto:
    return await shared_links.create_link(db, auth, dto)


@router.post("/login", status_code=status.HTTP_201_CREATED)
async def shared_link_login(
    dto: SharedLinkLoginDto,
    request: Request,
    response: Response,
    db: DbSession,
    auth: Auth,
    key: LinkKey = None,
    slug: LinkKey = None,
) -> SharedLinkResponseDto:
    link, token = await shared_links.login(db, auth, dto.password)
    # One cookie holds the tokens of every link the visitor logged in to, URL-encoded as Express does.
    tokens = list(shared_link_tokens(request))
    if token not in tokens:
        tokens.append(token)
    response.set_cookie(
        SHARED_LINK_TOKEN_COOKIE,
        quote(",".join(tokens), safe=""),
        max_age=LOGIN_COOKIE_MAX_AGE,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return link


@router.get("/me")
async def get_my_shared_link(
    db: DbSession, auth: Auth, key: LinkKey = None, slug: LinkKey = None
) -> SharedLinkResponseDto:
    return await shared_links.my_link(db, auth)


@router.get("/{id}")
async def get_shared_link_by_id(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.SHARED_LINK_READ)]
) -> SharedLinkResponseDto:
    return await shared_links.get_link(db, auth, id)


@router.patch("/{id}")
async def update_shared_link(
    id: uuid.UUID,
    dto: SharedLinkEditDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.SHARED_LINK_UPDATE)],
) -> SharedLinkResponseDto:
    return await shared_links.update_link(db, auth, id, dto)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_shared_link(
    id: uuid.UUID, db: DbSession, auth: Annotated[AuthContext, authenticated(Permission.SHARED_LINK_DELETE)]
) -> None:
    await shared_links.delete_link(db, auth, id)


@router.put("/{id}/assets")
async def add_shared_link_assets(
    id: uuid.UUID,
    dto: AssetIdsDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.SHARED_LINK_UPDATE)],
) -> list[AssetIdsResponseDto]:
    return await shared_links.add_assets(db, auth, id, dto)


@router.delete("/{id}/assets")
async def remove_shared_link_assets(
    id: uuid.UUID,
    dto: AssetIdsDto,
    db: DbSession,
    auth: Annotated[AuthContext, authenticated(Permission.SHARED_LINK_UPDATE)],
) -> list[AssetIdsResponseDto]:
    return await shared_links.remove_assets(db, auth, id, dto)
