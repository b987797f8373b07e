"""Secrets: random tokens (stored as SHA-256), and bcrypt passwords as Immich stores them."""

from __future__ import annotations

import hashlib
import secrets
import string
from functools import cache

import bcrypt

#: Immich hashes with bcrypt cost 10; keeping it lets Immich password hashes be imported as they are.
BCRYPT_ROUNDS = 10


@cache
def _dummy_hash() -> bytes:
    """Made on first use rather than at import: one bcrypt round costs ~50 ms of every start."""
    return bcrypt.hashpw(b"albumen-timing-equaliser", bcrypt.gensalt(BCRYPT_ROUNDS))


#: Letters and digits: 43 of them carry 256 bits (43 * log2(62) = 256.1).
TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_LENGTH = 43


def new_token() -> str:
    """A 256-bit secret of letters and digits for session tokens and API keys, always 43 long.

    Letters and digits only, like Immich's (base64 without its non-word characters): a key starting
    with ``-`` would be read as a flag by command lines such as ``immich login <url> <key>``. Drawn
    from the alphabet rather than stripped from base64, whose length varied with what was stripped.
    """
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


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
