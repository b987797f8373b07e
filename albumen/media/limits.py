"""Resource limits for decoding untrusted media, checked before any pixel is decoded."""

from __future__ import annotations

from dataclasses import dataclass

from albumen.media.errors import CorruptMediaError, MediaTooLargeError


@dataclass(frozen=True)
class MediaLimits:
    """Ceilings for one decode or one external tool run.

    ``max_pixels`` bounds memory: a decoded RGBA frame costs 4 bytes a pixel, so the default
    100 MP caps one image at about 400 MB before any size reduction. ``max_dimension`` rejects
    headers that claim absurd sides even when the product looks small (1 x 10^9).
    """

    max_pixels: int = 100_000_000
    max_dimension: int = 65_535
    probe_timeout_s: float = 30.0
    poster_timeout_s: float = 120.0
    transcode_timeout_s: float = 6 * 3600.0


DEFAULT_LIMITS = MediaLimits()


def check_dimensions(width: int, height: int, limits: MediaLimits = DEFAULT_LIMITS) -> None:
    """Raise MediaTooLargeError when a header's dimensions are unsafe to decode."""
    if width <= 0 or height <= 0:
        raise CorruptMediaError(f"Image has invalid dimensions {width}x{height}")
    if width > limits.max_dimension or height > limits.max_dimension:
        raise MediaTooLargeError(
            f"Image dimensions {width}x{height} exceed the limit of {limits.max_dimension} px a side"
        )
    if width * height > limits.max_pixels:
        raise MediaTooLargeError(
            f"Image of {width}x{height} ({width * height / 1e6:.1f} MP) exceeds the limit of "
            f"{limits.max_pixels / 1e6:.1f} MP"
        )
