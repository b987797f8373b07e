"""OAuth/OIDC login against a real OpenID provider started by the test (tests/support/oidc_provider.py)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin
from tests.support.oidc_provider import OidcProvider

WEB_REDIRECT = "http://albumen.test/auth/login"
MOBILE_REDIRECT = "app.immich:///oauth-callback"


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    with OidcProvider() as running:
        yield running


async def _configure(
    client: httpx.AsyncClient, admin: LoggedIn, provider: OidcProvider, **oauth: Any
) -> None:
    response = await client.put(
        "/api/admin/config", json={"oauth": provider.oauth_config(**oauth)}, headers=admin.headers
    )
    assert response.status_code == 200, response.text


async def _visit_provider(url: str) -> str:
    """The browser's trip: the provider approves the user and redirects back with a code."""
    async with httpx.AsyncClient() as browser:
        response = await browser.get(url)
    assert response.status_code == 302, response.text
    return response.headers["location"]


async def _web_login(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    """The web client's flow: state and verifier travel in cookies only."""
    started = await client.post("/api/oauth/authorize", json={"redirectUri": WEB_REDIRECT})
    assert started.status_code == 201, started.text
    callback_url = await _visit_provider(started.json()["url"])
    return await client.post("/api/oauth/callback", json={"url": callback_url, **body})


def _pkce() -> tuple[str, str]:
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


async def test_web_login_registers_the_user_and_sets_cookies(
    client: httpx.AsyncClient, provider: OidcProvider
) -> None:
    admin = await sign_up_admin(client)
    await _configure(client, admin, provider, buttonText="Sign in with Test", autoLaunch=True)
    provider.user = {
        "sub": "sub-1",
        "email": "New.User@Albumen.test",
        "given_name": "New",
        "family_name": "User",
    }

    features = (await client.get("/api/server/features")).json()
    assert features["oauth"] is True and features["oauthAutoLaunch"] is True
    assert (await client.get("/api/server/config")).json()["oauthButtonText"] == "Sign in with Test"

    response = await _web_login(client)
    assert response.status_code == 201, response.text
    body = response.json()
    assert_shape(body, "LoginResponseDto")
    assert body["userEmail"] == "new.user@albumen.test" and body["name"] == "New User"
    assert body["isAdmin"] is False and body["shouldChangePassword"] is False
    cookies = response.headers.get_list("set-cookie")
    assert any(
        c.startswith(f"immich_access_token={body['accessToken']};") and "HttpOnly" in c for c in cookies
    )
    assert any(c.startswith("immich_auth_type=oauth;") for c in cookies)
    assert any(c.startswith("immich_is_authenticated=true;") for c in cookies)
    assert any(c.startswith("immich_oauth_state=") and "Max-Age=0" in c for c in cookies)

    # PKCE S256 went to the provider; the state and nonce too.
    sent = provider.authorize_requests[-1]
    assert sent["code_challenge_method"] == "S256" and sent["redirect_uri"] == WEB_REDIRECT
    assert sent["scope"] == "openid email profile" and sent["nonce"]

    # Afterwards the cookie alone authenticates (the mobile app relies on it).
    client.cookies.clear()
    client.cookies.set("immich_access_token", body["accessToken"])
    me = await client.get("/api/users/me")
    assert me.status_code == 200
    assert me.json()["oauthId"] == "sub-1" and me.json()["storageLabel"] is None
    assert me.json()["quotaSizeInBytes"] is None

    # A second login finds the same user by its subject.
    client.cookies.clear()
    again = await _web_login(client)
    assert again.status_code == 201 and again.json()["userId"] == body["userId"]


async def test_claims_set_role_quota_and_storage_label(
    client: httpx.AsyncClient, provider: OidcProvider
) -> None:
    admin = await sign_up_admin(client)
    await _configure(client, admin, provider, defaultStorageQuota=3)
    provider.user = {
        "sub": "boss",
        "email": "boss@albumen.test",
        "preferred_username": "boss.label",
        "immich_role": "admin",
        "immich_quota": 5,
    }
    response = await _web_login(client)
    assert response.status_code == 201, response.text
    assert response.json()["isAdmin"] is True
    me = (
        await client.get(
            "/api/users/me", headers={"Authorization": f"Bearer {response.json()['accessToken']}"}
        )
    ).json()
    assert me["quotaSizeInBytes"] == 5 * 1024**3
    assert me["storageLabel"] == "bosslabel"

    client.cookies.clear()
    provider.user = {"sub": "plain", "email": "plain@albumen.test", "immich_role": "root", "immich_quota": -1}
    response = await _web_login(client)
    assert response.json()["isAdmin"] is False
    me = (
        await client.get(
            "/api/users/me", headers={"Authorization": f"Bearer {response.json()['accessToken']}"}
        )
    ).json()
    assert me["quotaSizeInBytes"] == 3 * 1024**3


async def test_without_auto_register_only_known_emails_log_in(
    client: httpx.AsyncClient, provider: OidcProvider
) -> None:
    admin = await sign_up_admin(client)
    await _configure(client, admin, provider, autoRegister=False)
    provider.user = {"sub": "stranger", "email": "stranger@albumen.test"}
    refused = await _web_login(client)
    assert refused.status_code == 400
    assert refused.json()["message"] == "OAuth authentication failed"

    client.cookies.clear()
    known = await create_user(client, admin, "known@albumen.test")
    provider.user = {"sub": "known-sub", "email": "known@albumen.test"}
    accepted = await _web_login(client)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["userId"] == known.user_id
    me = (await client.get("/api/users/me", headers=known.headers)).json()
    assert me["oauthId"] == "known-sub"


async def test_mobile_flow_through_the_redirect_override(
    client: httpx.AsyncClient, provider: OidcProvider
) -> None:
    admin = await sign_up_admin(client)
    override = "http://albumen.test/api/oauth/mobile-redirect"
    await _configure(client, admin, provider, mobileOverrideEnabled=True, mobileRedirectUri=override)
    verifier, challenge = _pkce()
    started = await client.post(
        "/api/oauth/authorize",
        json={"redirectUri": MOBILE_REDIRECT, "state": "app-state", "codeChallenge": challenge},
    )
    assert started.status_code == 201, started.text
    assert "immich_oauth_code_verifier" not in started.cookies
    assert provider.authorize_requests == []
    location = await _visit_provider(started.json()["url"])
    sent = provider.authorize_requests[-1]
    assert (sent["redirect_uri"], sent["code_challenge"], sent["state"]) == (override, challenge, "app-state")
    assert location.startswith(override + "?")

    # The provider sent the browser to the server, which hands it to the app's scheme.
    bounced = await client.get(location.removeprefix("http://albumen.test"))
    assert bounced.status_code == 307
    app_url = bounced.headers["location"]
    assert app_url.startswith("app.immich:///oauth-callback?code=") and "state=app-state" in app_url

    client.cookies.clear()
    response = await client.post(
        "/api/oauth/callback", json={"url": app_url, "state": "app-state", "codeVerifier": verifier}
    )
    assert response.status_code == 201, response.text
    assert response.json()["userEmail"] == "oidc@albumen.test"


async def test_pkce_and_state_are_enforced(client: httpx.AsyncClient, provider: OidcProvider) -> None:
    admin = await sign_up_admin(client)
    await _configure(client, admin, provider)
    verifier, challenge = _pkce()

    async def mobile_callback_url(state: str) -> str:
        started = await client.post(
            "/api/oauth/authorize",
            json={"redirectUri": MOBILE_REDIRECT, "state": state, "codeChallenge": challenge},
        )
        return await _visit_provider(started.json()["url"])

    url = await mobile_callback_url("s1")
    wrong_verifier = await client.post(
        "/api/oauth/callback", json={"url": url, "state": "s1", "codeVerifier": "x" * 50}
    )
    assert wrong_verifier.status_code == 400
    assert wrong_verifier.json()["message"] == "OAuth login failed"

    url = await mobile_callback_url("s2")
    wrong_state = await client.post(
        "/api/oauth/callback", json={"url": url, "state": "other", "codeVerifier": verifier}
    )
    assert wrong_state.status_code == 400

    client.cookies.clear()  # the web client's cookies would stand in for a missing state or verifier
    no_state = await client.post("/api/oauth/callback", json={"url": url})
    assert (no_state.status_code, no_state.json()["message"]) == (400, "OAuth state is missing")
    no_verifier = await client.post("/api/oauth/callback", json={"url": url, "state": "s2"})
    assert (no_verifier.status_code, no_verifier.json()["message"]) == (400, "OAuth code verifier is missing")
    assert (await client.post("/api/oauth/callback", json={"url": ""})).status_code == 400

    ok = await client.post("/api/oauth/callback", json={"url": url, "state": "s2", "codeVerifier": verifier})
    assert ok.status_code == 201, ok.text
    replay = await client.post(
        "/api/oauth/callback", json={"url": url, "state": "s2", "codeVerifier": verifier}
    )
    assert replay.status_code == 400


async def test_id_token_claims_are_the_profile(client: httpx.AsyncClient, provider: OidcProvider) -> None:
    admin = await sign_up_admin(client)
    await _configure(client, admin, provider)
    provider.claims_in_id_token = True
    provider.user = {"sub": "from-id-token", "email": "idt@albumen.test", "name": "Token Person"}
    response = await _web_login(client)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Token Person"


async def test_link_and_unlink(client: httpx.AsyncClient, provider: OidcProvider) -> None:
    admin = await sign_up_admin(client)
    await _configure(client, admin, provider)
    user = await create_user(client, admin, "user@albumen.test")
    provider.user = {"sub": "linked-sub", "email": "someone-else@albumen.test"}
    verifier, challenge = _pkce()

    async def link(who: LoggedIn) -> httpx.Response:
        started = await client.post(
            "/api/oauth/authorize",
            json={"redirectUri": WEB_REDIRECT, "state": "st", "codeChallenge": challenge},
        )
        url = await _visit_provider(started.json()["url"])
        body = {"url": url, "state": "st", "codeVerifier": verifier}
        return await client.post("/api/oauth/link", json=body, headers=who.headers)

    linked = await link(user)
    assert linked.status_code == 200, linked.text
    assert_shape(linked.json(), "UserAdminResponseDto")
    assert linked.json()["oauthId"] == "linked-sub"

    taken = await link(admin)
    assert taken.status_code == 400
    assert taken.json()["message"] == "This OAuth account has already been linked to another user."

    client.cookies.clear()
    login = await _web_login(client)
    assert login.status_code == 201 and login.json()["userId"] == user.user_id

    client.cookies.clear()
    unlinked = await client.post("/api/oauth/unlink", headers=user.headers)
    assert unlinked.status_code == 200 and unlinked.json()["oauthId"] == ""
    assert (await client.post("/api/oauth/unlink")).status_code == 401

    await link(user)
    assert (await client.post("/api/admin/auth/unlink-all", headers=admin.headers)).status_code == 204
    assert (await client.get("/api/users/me", headers=user.headers)).json()["oauthId"] == ""


async def test_backchannel_logout_ends_the_providers_sessions(
    client: httpx.AsyncClient, provider: OidcProvider
) -> None:
    admin = await sign_up_admin(client)
    await _configure(client, admin, provider)
    token = (await _web_login(client)).json()["accessToken"]
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/users/me", headers=bearer)).status_code == 200

    forged = await client.post("/api/oauth/backchannel-logout", data={"logout_token": "not.a.token"})
    assert forged.status_code == 400
    assert forged.json()["message"] == "Error backchannel logout: token validation failed"

    ended = await client.post(
        "/api/oauth/backchannel-logout", data={"logout_token": provider.logout_token(sid=provider.sid)}
    )
    assert ended.status_code == 200, ended.text
    assert (await client.get("/api/users/me", headers=bearer)).status_code == 401
    assert (await client.get("/api/users/me", headers=admin.headers)).status_code == 200


async def test_disabled_oauth(client: httpx.AsyncClient) -> None:
    started = await client.post("/api/oauth/authorize", json={"redirectUri": WEB_REDIRECT})
    assert (started.status_code, started.json()["message"]) == (400, "OAuth is not enabled")
    finished = await client.post(
        "/api/oauth/callback", json={"url": WEB_REDIRECT, "state": "a", "codeVerifier": "b"}
    )
    assert (finished.status_code, finished.json()["message"]) == (400, "OAuth is not enabled")
    features = (await client.get("/api/server/features")).json()
    assert features["oauth"] is False
    assert (await client.get("/api/oauth/mobile-redirect?code=1&state=2")).headers["location"] == (
        "app.immich:///oauth-callback?code=1&state=2"
    )
