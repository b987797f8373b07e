"""Which permission sets an API key may hand out (Immich's ``isGranted``)."""

from __future__ import annotations

import pytest

from albumen.services.api_keys import grants


@pytest.mark.parametrize(
    ("current", "requested", "expected"),
    [
        (["all"], ["all"], True),
        (["all"], ["asset.read", "admin.config.read"], True),
        (["asset.read", "asset.upload"], ["asset.read"], True),
        (["asset.read", "asset.upload"], ["asset.read", "asset.upload"], True),
        (["asset.read"], ["asset.read", "asset.upload"], False),
        (["asset.read"], ["all"], False),
        (["asset.read"], [], True),
    ],
)
def test_grants(current: list[str], requested: list[str], expected: bool) -> None:
    assert grants(current, requested) is expected
