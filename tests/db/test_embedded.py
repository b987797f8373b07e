from albumen.db.embedded import shared_buffers_mb


def test_shared_buffers_grow_with_the_machine_within_bounds() -> None:
    gib = 2**30
    assert shared_buffers_mb(512 * 2**20) == 128  # a small board keeps PostgreSQL's default
    assert shared_buffers_mb(2 * gib) == 256
    assert shared_buffers_mb(24 * gib) == 512  # enough for a 100,000-asset CLIP index
