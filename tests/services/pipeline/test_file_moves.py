"""Moving a file never overwrites another and leaves exactly one copy."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from albumen.services.pipeline.file_moves import move_file


def test_a_file_is_moved_into_new_folders(tmp_path: Path) -> None:
    source = tmp_path / "upload" / "a.jpg"
    source.parent.mkdir()
    source.write_bytes(b"photo")
    target = tmp_path / "library" / "2024" / "a.jpg"
    move_file(source, target, hashlib.sha1(b"photo").digest())
    assert target.read_bytes() == b"photo" and not source.exists()


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    source, target = tmp_path / "a.jpg", tmp_path / "b.jpg"
    source.write_bytes(b"mine")
    target.write_bytes(b"someone else's")
    with pytest.raises(FileExistsError):
        move_file(source, target, None)
    assert (source.read_bytes(), target.read_bytes()) == (b"mine", b"someone else's")
