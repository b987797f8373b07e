"""Immich's sync: the NDJSON stream of a user's library changes and the session's checkpoints."""

from albumen.services.sync.acks import delete_acks, get_acks, set_acks
from albumen.services.sync.start import PAGE_SIZE, open_stream

__all__ = ["PAGE_SIZE", "delete_acks", "get_acks", "open_stream", "set_acks"]
