"""Secrets: random tokens (stored as SHA-256), and bcrypt passwords as Immich stores them."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from functools import cache

import bcrypt

#: Immich hashes with bcrypt cost 10; keeping it lets Immich password hashes be imported as they are.
BCRYPT_ROUNDS = 10


@cache
def _dummy_hash() -> bytes:
    """Made on first use rather than at import: one bcrypt round costs ~50 ms of every start."""
    return bcrypt.hashpw(b"albumen-timing-equaliser", bcrypt.gensalt(BCRYPT_ROUNDS))


def new_token() -> str:
    """A 256-bit secret of letters and digits for session tokens and API keys.

    Like Immich's (base64 without its non-word characters): a key starting with ``-`` would be read
    as a flag by command lines such as ``immich login <url> <key>``.
    """
    return re.sub(r"[^A-Za-z0-9]", "", base64.b64encode(secrets.token_bytes(32)).decode())


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


def verify_password(password: str, hashed: str | None) -> bool:
    """Constant-ish time: a missing hash still costs one bcrypt round so timing hides unknown emails."""
    if not hashed:
        bcrypt.checkpw(password.encode()[:72], _dummy_hash())
        return False
    try:
        return bcrypt.checkpw(password.encode()[:72], hashed.encode())
    except ValueError:
        return False
