from __future__ import annotations

import pytest

from albumen.services import server as server_service


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (1024**2 - 1, "1.0 MiB"), (5 * 1024**3, "5.0 GiB")],
)
def test_sizes_read_like_immich(size: int, text: str) -> None:
    assert server_service.human_readable_size(size) == text
