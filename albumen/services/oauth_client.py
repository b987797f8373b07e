"""The OpenID Connect relying party: discovery, the authorization URL, the code exchange with PKCE,
ID token and logout token validation against the provider's JWKS, and userinfo.

Immich uses ``openid-client``; this follows its behaviour where clients can tell (PKCE S256 only when
the provider advertises it, ID token claims used as the profile when they carry ``email``).
"""

from __future__ import annotations

import hashlib
import logging
import time
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OctKey

from albumen.dto.config_admin import AdminConfigOAuthDto

logger = logging.getLogger(__name__)

WELL_KNOWN = "/.well-known/openid-configuration"
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
CLOCK_TOLERANCE_SECONDS = 5
LOGOUT_TOKEN_MAX_AGE_SECONDS = 120


class OAuthDiscoveryError(Exception):
    """The provider's metadata could not be fetched or is unusable."""


class OAuthFlowError(Exception):
    """The provider's answer failed a check (state, code, token signature, claims)."""


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    #: Set when the server made the PKCE pair; ``None`` when the client sent its own challenge.
    code_verifier: str | None


@dataclass(frozen=True)
class OAuthProfile:
    claims: dict[str, Any]
    #: The provider's session id (``sid``), for backchannel logout.
    sid: str | None

    @property
    def sub(self) -> str:
        return str(self.claims["sub"])


def nonce_for(state: str) -> str:
    """The nonce sent with a flow, derived from its state so the mobile app (which keeps the state
    and verifier itself) needs to hand back nothing more."""
    return urlsafe_b64encode(hashlib.sha256(f"nonce:{state}".encode()).digest()).rstrip(b"=").decode()


def resolve_redirect_uri(config: AdminConfigOAuthDto, url: str) -> str:
    """With ``mobileOverrideEnabled``, the app's ``app.immich:///oauth-callback`` becomes the
    configured ``mobileRedirectUri`` (providers that refuse custom schemes)."""
    if config.mobileOverrideEnabled and config.mobileRedirectUri:
        for prefix in (
            "app.immich:///oauth-callback",
            "app.immich://oauth-callback",
            "app.immich:/oauth-callback",
        ):
            if url.startswith(prefix):
                return config.mobileRedirectUri + url[len(prefix) :]
    return url


async def discover(config: AdminConfigOAuthDto) -> dict[str, Any]:
    issuer = config.issuerUrl.rstrip("/")
    url = issuer if WELL_KNOWN in issuer else issuer + WELL_KNOWN
    try:
        async with _http(config) as http:
            response = await http.get(url)
            response.raise_for_status()
            metadata: dict[str, Any] = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise OAuthDiscoveryError(f"Error in OAuth discovery: {error}") from error
    for key in ("issuer", "authorization_endpoint", "token_endpoint"):
        if not isinstance(metadata.get(key), str):
            raise OAuthDiscoveryError(f"Error in OAuth discovery: metadata lacks {key}")
    if not config.allowInsecureRequests:
        insecure = [
            key for key, value in metadata.items() if isinstance(value, str) and value.startswith("http:")
        ]
        if insecure:
            raise OAuthDiscoveryError("Error in OAuth discovery: only requests to HTTPS are allowed")
    return metadata


def supports_pkce(metadata: dict[str, Any]) -> bool:
    return "S256" in (metadata.get("code_challenge_methods_supported") or [])


async def authorize(
    config: AdminConfigOAuthDto, redirect_uri: str, state: str | None, code_challenge: str | None
) -> AuthorizationRequest:
    metadata = await discover(config)
    state = state or generate_token(43)
    code_verifier = None
    if not code_challenge:
        code_verifier = generate_token(64)
        code_challenge = create_s256_code_challenge(code_verifier)
    params = {
        "client_id": config.clientId,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": config.scope,
        "state": state,
        "nonce": nonce_for(state),
    }
    if config.prompt:
        params["prompt"] = config.prompt
    if supports_pkce(metadata):
        params["code_challenge"] = code_challenge
        params["code_challenge_method"] = "S256"
    return AuthorizationRequest(_with_query(metadata["authorization_endpoint"], params), state, code_verifier)


async def fetch_profile(
    config: AdminConfigOAuthDto, callback_url: str, expected_state: str, code_verifier: str
) -> OAuthProfile:
    """Exchange the code in ``callback_url`` and return the user's claims."""
    metadata = await discover(config)
    parts = urlsplit(callback_url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    if "error" in query:
        raise OAuthFlowError(f"provider error: {query['error']} {query.get('error_description', '')}".strip())
    if query.get("state") != expected_state:
        raise OAuthFlowError("unexpected state")
    if not query.get("code"):
        raise OAuthFlowError("no code in the callback URL")
    # Cut the query by hand: ``urlunsplit`` would turn ``app.immich:///x`` into ``app.immich:/x``.
    redirect_uri = callback_url.split("#", 1)[0].split("?", 1)[0]
    token = await _exchange_code(config, metadata, query["code"], redirect_uri, code_verifier)
    claims: dict[str, Any] = {}
    sid = None
    if token.get("id_token"):
        claims = await _verified_claims(
            config, metadata, str(token["id_token"]), nonce=nonce_for(expected_state)
        )
        sid = claims.get("sid") if isinstance(claims.get("sid"), str) else None
    if "email" not in claims:
        claims = await _userinfo(config, metadata, str(token.get("access_token", "")))
    if not claims.get("sub"):
        raise OAuthFlowError("Unexpected profile response, no `sub`")
    return OAuthProfile(claims=claims, sid=sid)


async def validate_logout_token(config: AdminConfigOAuthDto, logout_token: str) -> dict[str, Any]:
    """RFC 8963 (OpenID back-channel logout) checks; returns the token's claims."""
    metadata = await discover(config)
    claims = await _verified_claims(config, metadata, logout_token, nonce=None)
    events = claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_LOGOUT_EVENT not in events:
        raise OAuthFlowError("Missing backchannel-logout event claim")
    if "nonce" in claims:
        raise OAuthFlowError("Logout token must not contain a nonce")
    issued_at = claims.get("iat")
    if not isinstance(issued_at, int | float) or issued_at < time.time() - LOGOUT_TOKEN_MAX_AGE_SECONDS:
        raise OAuthFlowError("Logout token is too old")
    return claims


async def end_session_endpoint(config: AdminConfigOAuthDto) -> str | None:
    endpoint = (await discover(config)).get("end_session_endpoint")
    return endpoint if isinstance(endpoint, str) else None


def _http(config: AdminConfigOAuthDto) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=config.timeout / 1000)


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


async def _exchange_code(
    config: AdminConfigOAuthDto, metadata: dict[str, Any], code: str, redirect_uri: str, code_verifier: str
) -> dict[str, Any]:
    method = config.tokenEndpointAuthMethod.value if config.clientSecret else "none"
    extra: dict[str, str] = {}
    if supports_pkce(metadata):
        extra["code_verifier"] = code_verifier
    client = AsyncOAuth2Client(
        client_id=config.clientId,
        client_secret=config.clientSecret or None,
        token_endpoint_auth_method=method,
        timeout=config.timeout / 1000,
    )
    try:
        async with client:
            token: dict[str, Any] = await client.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                redirect_uri=redirect_uri,
                **extra,
            )
    except Exception as error:  # authlib raises its own OAuthError, httpx errors, JSON errors
        raise OAuthFlowError(f"token exchange failed: {error}") from error
    return token


async def _keys(config: AdminConfigOAuthDto, metadata: dict[str, Any], algorithm: str) -> KeySet | OctKey:
    if algorithm.startswith("HS"):
        return OctKey.import_key(config.clientSecret)
    jwks_uri = metadata.get("jwks_uri")
    if not isinstance(jwks_uri, str):
        raise OAuthFlowError("Unable to get JWKS URI")
    try:
        async with _http(config) as http:
            response = await http.get(jwks_uri)
            response.raise_for_status()
            return KeySet.import_key_set(response.json())
    except (httpx.HTTPError, ValueError, JoseError) as error:
        raise OAuthFlowError(f"JWKS unavailable: {error}") from error


async def _verified_claims(
    config: AdminConfigOAuthDto, metadata: dict[str, Any], token: str, *, nonce: str | None
) -> dict[str, Any]:
    algorithm = config.signingAlgorithm or "RS256"
    keys = await _keys(config, metadata, algorithm)
    try:
        decoded = jwt.decode(token, keys, algorithms=[algorithm])
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": metadata["issuer"]},
            "aud": {"essential": True, "value": config.clientId},
        }
        if nonce is not None:
            options["nonce"] = {"essential": True, "value": nonce}
        jwt.JWTClaimsRegistry(leeway=CLOCK_TOLERANCE_SECONDS, **options).validate(decoded.claims)
    except (JoseError, ValueError) as error:
        if "alg" in str(error).lower():
            logger.warning(
                "Algorithm mismatch. Make sure the signing algorithm is set correctly in the OAuth settings."
            )
        raise OAuthFlowError(f"token validation failed: {error}") from error
    return dict(decoded.claims)


async def _userinfo(
    config: AdminConfigOAuthDto, metadata: dict[str, Any], access_token: str
) -> dict[str, Any]:
    endpoint = metadata.get("userinfo_endpoint")
    if not isinstance(endpoint, str):
        raise OAuthFlowError("the provider has no userinfo endpoint")
    try:
        async with _http(config) as http:
            response = await http.get(endpoint, headers={"Authorization": f"Bearer {access_token}"})
            response.raise_for_status()
    except httpx.HTTPError as error:
        raise OAuthFlowError(f"userinfo failed: {error}") from error
    if response.headers.get("content-type", "").startswith("application/jwt"):
        algorithm = config.profileSigningAlgorithm
        keys = await _keys(config, metadata, algorithm)
        try:
            return dict(jwt.decode(response.text, keys, algorithms=[algorithm]).claims)
        except (JoseError, ValueError) as error:
            raise OAuthFlowError(f"userinfo validation failed: {error}") from error
    claims: dict[str, Any] = response.json()
    return claims
