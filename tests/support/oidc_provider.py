"""A small but real OpenID Connect provider for tests, served by uvicorn on a free port.

Discovery, an authorization endpoint that approves :attr:`OidcProvider.user` at once, a token
endpoint checking the client secret and PKCE (S256), RS256 ID tokens, JWKS and userinfo, and
signed back-channel logout tokens.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.conftest import free_port

CLIENT_ID = "albumen"
CLIENT_SECRET = "albumen-secret"
KEY = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})


@dataclass
class _Grant:
    redirect_uri: str
    claims: dict[str, Any]
    nonce: str | None
    code_challenge: str | None


@dataclass
class OidcProvider:
    #: The claims of the user the authorization endpoint signs in (``sub`` and ``email`` at least).
    user: dict[str, Any] = field(default_factory=lambda: {"sub": "oidc-user-1", "email": "oidc@albumen.test"})
    #: Put the profile claims into the ID token too (Immich then skips userinfo).
    claims_in_id_token: bool = False
    advertise_pkce: bool = True
    sid: str = "provider-session-1"
    port: int = field(default_factory=free_port)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    _grants: dict[str, _Grant] = field(default_factory=dict)
    _tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def oauth_config(self, **overrides: Any) -> dict[str, Any]:
        """The ``oauth`` section of Albumen's admin config pointing at this provider."""
        return {
            "enabled": True,
            "issuerUrl": self.issuer,
            "clientId": CLIENT_ID,
            "clientSecret": CLIENT_SECRET,
            "allowInsecureRequests": True,
            "autoRegister": True,
            **overrides,
        }

    def logout_token(self, **claims: Any) -> str:
        payload = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": int(time.time()),
            "jti": secrets.token_hex(8),
            "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
            **claims,
        }
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, payload, KEY)

    def __enter__(self) -> OidcProvider:
        app = Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery),
                Route("/authorize", self._authorize),
                Route("/token", self._token, methods=["POST"]),
                Route("/jwks", self._jwks),
                Route("/userinfo", self._userinfo),
            ]
        )
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the OIDC provider did not start")
            time.sleep(0.02)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=10)

    async def _discovery(self, request: Request) -> Response:
        metadata: dict[str, Any] = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "backchannel_logout_supported": True,
        }
        if self.advertise_pkce:
            metadata["code_challenge_methods_supported"] = ["S256"]
        return JSONResponse(metadata)

    async def _authorize(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.authorize_requests.append(params)
        if params.get("client_id") != CLIENT_ID or params.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        self._grants[code] = _Grant(
            redirect_uri=params["redirect_uri"],
            claims=dict(self.user),
            nonce=params.get("nonce"),
            code_challenge=params.get("code_challenge"),
        )
        query = urlencode({"code": code, "state": params.get("state", "")})
        return RedirectResponse(f"{params['redirect_uri']}?{query}", status_code=302)

    async def _token(self, request: Request) -> Response:
        form = dict(await request.form())
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        header = request.headers.get("authorization", "")
        if header.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(header[6:]).decode().partition(":")
        if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self._grants.pop(str(form.get("code")), None)
        if grant is None or form.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if form.get("redirect_uri") != grant.redirect_uri:
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "redirect_uri"}, status_code=400
            )
        if grant.code_challenge is not None:
            verifier = str(form.get("code_verifier") or "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.code_challenge:
                return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, status_code=400)
        access_token = secrets.token_urlsafe(24)
        self._tokens[access_token] = grant.claims
        now = int(time.time())
        id_claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": grant.claims["sub"],
            "iat": now,
            "exp": now + 300,
            "sid": self.sid,
        }
        if grant.nonce is not None:
            id_claims["nonce"] = grant.nonce
        if self.claims_in_id_token:
            id_claims.update(grant.claims)
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, id_claims, KEY)
        return JSONResponse(
            {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        )

    async def _jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [KEY.as_dict(private=False)]})

    async def _userinfo(self, request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        claims = self._tokens.get(token)
        if claims is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse(claims)
