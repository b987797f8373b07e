"""The OAuth operations of the ``Authentication`` tag: login through an OpenID Connect provider."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, status
from fastapi.responses import RedirectResponse

from albumen.api.auth import request_device, set_auth_cookies
from albumen.api.deps import Auth, DbSession, State
from albumen.dto.auth import LoginResponseDto
from albumen.dto.oauth import OAuthAuthorizeResponseDto, OAuthCallbackDto, OAuthConfigDto
from albumen.dto.users import UserAdminResponseDto
from albumen.services import oauth
from albumen.services.oauth import OAuthCookies

router = APIRouter(prefix="/oauth", tags=["Authentication"])

OAUTH_AUTH_TYPE = "oauth"
STATE_COOKIE = "immich_oauth_state"
CODE_VERIFIER_COOKIE = "immich_oauth_code_verifier"
#: The state and verifier only need to outlive one trip to the provider.
FLOW_COOKIE_MAX_AGE_SECONDS = 60 * 60


def _flow_cookies(request: Request) -> OAuthCookies:
    return OAuthCookies(
        state=request.cookies.get(STATE_COOKIE), code_verifier=request.cookies.get(CODE_VERIFIER_COOKIE)
    )


@router.get("/mobile-redirect", status_code=status.HTTP_307_TEMPORARY_REDIRECT)
async def redirect_oauth_to_mobile(request: Request) -> RedirectResponse:
    return RedirectResponse(
        oauth.mobile_redirect(request.url.query), status_code=status.HTTP_307_TEMPORARY_REDIRECT
    )


@router.post("/authorize", status_code=status.HTTP_201_CREATED)
async def start_oauth(
    dto: OAuthConfigDto, request: Request, response: Response, db: DbSession, state: State
) -> OAuthAuthorizeResponseDto:
    started = await oauth.authorize(db, state.settings, dto)
    secure = request.url.scheme == "https"
    for name, value in ((STATE_COOKIE, started.state), (CODE_VERIFIER_COOKIE, started.code_verifier)):
        if value:
            response.set_cookie(
                name,
                value,
                max_age=FLOW_COOKIE_MAX_AGE_SECONDS,
                path="/",
                secure=secure,
                httponly=True,
                samesite="lax",
            )
    return OAuthAuthorizeResponseDto(url=started.url)


@router.post("/callback", status_code=status.HTTP_201_CREATED)
async def finish_oauth(
    dto: OAuthCallbackDto, request: Request, response: Response, db: DbSession, state: State
) -> LoginResponseDto:
    result = await oauth.callback(db, state.settings, dto, _flow_cookies(request), request_device(request))
    set_auth_cookies(response, request, result.accessToken, OAUTH_AUTH_TYPE)
    for name in (STATE_COOKIE, CODE_VERIFIER_COOKIE):
        response.delete_cookie(name, path="/")
    return result


@router.post("/link")
async def link_oauth_account(
    dto: OAuthCallbackDto, request: Request, db: DbSession, state: State, auth: Auth
) -> UserAdminResponseDto:
    return await oauth.link(db, state.settings, auth, dto, _flow_cookies(request))


@router.post("/unlink")
async def unlink_oauth_account(db: DbSession, auth: Auth) -> UserAdminResponseDto:
    return await oauth.unlink(db, auth)


@router.post("/backchannel-logout")
async def logout_oauth(logout_token: Annotated[str, Form()], db: DbSession, state: State) -> None:
    await oauth.backchannel_logout(db, state.settings, logout_token)
