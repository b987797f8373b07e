"""Typed failures of media processing, so a job can tell a bad file from a broken tool."""

from __future__ import annotations


class MediaError(Exception):
    """Base class: the file could not be turned into the requested output."""


class UnsupportedMediaError(MediaError):
    """The content is not a format Albumen can decode (whatever the file name says)."""


class CorruptMediaError(MediaError):
    """The format is known but the data is damaged, truncated or empty."""


class MediaTooLargeError(MediaError):
    """The declared dimensions exceed the configured limits (decompression bomb guard)."""


class MediaToolError(MediaError):
    """An external tool (ffprobe, ffmpeg) failed, timed out or is missing."""
