"""SHA-1 checksums as clients send them: hex (CLI) or base64 (mobile app)."""

from __future__ import annotations

import base64
import binascii


def decode_checksum(value: str) -> bytes | None:
    """Immich's rule: a 28-character string is base64, anything else hex; None when neither decodes."""
    try:
        decoded = base64.b64decode(value, validate=True) if len(value) == 28 else bytes.fromhex(value)
    except (binascii.Error, ValueError):
        return None
    return decoded if len(decoded) == 20 else None
