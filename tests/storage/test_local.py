"""The local media storage keeps every file inside the media root."""

from __future__ import annotations

from pathlib import Path

import pytest

from albumen.storage import InvalidStorageKeyError, LocalStorage, StorageFolder, make_key


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "media")


def test_layout_has_immichs_folders(storage: LocalStorage) -> None:
    storage.ensure_layout()
    assert sorted(path.name for path in storage.root.iterdir()) == [
        "backups",
        "encoded-video",
        "library",
        "profile",
        "thumbs",
        "upload",
    ]


async def test_write_read_exists_delete(storage: LocalStorage) -> None:
    key = make_key(StorageFolder.PROFILE, "user-1", "avatar.png")
    assert key == "profile/user-1/avatar.png"
    assert not await storage.exists(key)

    await storage.write(key, b"picture")

    assert await storage.read(key) == b"picture"
    assert await storage.exists(key)
    assert storage.local_path(key) == storage.root / "profile" / "user-1" / "avatar.png"
    assert [path.name for path in (storage.root / "profile" / "user-1").iterdir()] == ["avatar.png"]

    await storage.delete(key)
    await storage.delete(key)  # missing is fine
    assert not await storage.exists(key)


async def test_overwrite_replaces_the_whole_file(storage: LocalStorage) -> None:
    await storage.write("upload/a/file.bin", b"a much longer first version")
    await storage.write("upload/a/file.bin", b"short")
    assert await storage.read("upload/a/file.bin") == b"short"


async def test_delete_folder_removes_a_users_tree(storage: LocalStorage) -> None:
    await storage.write("thumbs/user-1/aa/bb/thumb.webp", b"x")
    await storage.write("thumbs/user-2/thumb.webp", b"y")

    await storage.delete_folder(StorageFolder.THUMBNAILS, "user-1")
    await storage.delete_folder(StorageFolder.THUMBNAILS, "nobody")

    assert not (storage.root / "thumbs" / "user-1").exists()
    assert await storage.read("thumbs/user-2/thumb.webp") == b"y"


@pytest.mark.parametrize(
    "key",
    ["", "/etc/passwd", "../outside", "profile/../../outside", "profile\\..\\x", "a\x00b", ".", "profile/.."],
)
async def test_keys_that_leave_the_root_are_refused(storage: LocalStorage, key: str) -> None:
    with pytest.raises(InvalidStorageKeyError):
        await storage.write(key, b"x")
    assert not (storage.root.parent / "outside").exists()


async def test_symlinks_out_of_the_root_are_refused(storage: LocalStorage, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (storage.root / "profile").mkdir(parents=True)
    (storage.root / "profile" / "escape").symlink_to(outside)

    with pytest.raises(InvalidStorageKeyError):
        await storage.write("profile/escape/file.jpg", b"x")
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("part", ["", ".", "..", "a/b", "a\\b", "nul\x00"])
def test_make_key_refuses_separators_in_a_part(part: str) -> None:
    with pytest.raises(InvalidStorageKeyError):
        make_key(StorageFolder.PROFILE, part)
