"""The persistent exiftool process: reuse, restart, timeouts, hostile file names, binary and writes."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from albumen.media.exiftool import ExifTool, ExifToolError, ExifToolTimeout, get_exiftool
from tests.conftest import TESTDATA

ASSETS = TESTDATA / "immich-test-assets"
RATED = ASSETS / "metadata/rating/mongolels.jpg"


@pytest.fixture
def exiftool() -> Iterator[ExifTool]:
    tool = ExifTool()
    yield tool
    tool.close()


def test_one_process_serves_many_reads(exiftool: ExifTool) -> None:
    assert exiftool.pid is None
    pids = set()
    for _ in range(50):
        assert exiftool.read_tags(RATED)["Rating"] == 3
        pids.add(exiftool.pid)
    assert len(pids) == 1
    assert None not in pids


def test_a_killed_process_is_restarted(exiftool: ExifTool) -> None:
    exiftool.read_tags(RATED)
    first = exiftool.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)

    assert exiftool.read_tags(RATED)["Model"] == "Canon EOS 500D"
    assert exiftool.pid not in (None, first)


def test_close_stops_the_process_and_a_later_read_starts_another(exiftool: ExifTool) -> None:
    exiftool.read_tags(RATED)
    first = exiftool.pid
    exiftool.close()
    assert exiftool.pid is None
    exiftool.read_tags(RATED)
    assert exiftool.pid not in (None, first)


def test_concurrent_reads_from_threads_each_get_their_own_answer(exiftool: ExifTool) -> None:
    files = [RATED, ASSETS / "metadata/tags/picasa.jpg", ASSETS / "formats/jpg/el_torcal_rocks.jpg"]
    expected = {
        "mongolels.jpg": "Canon EOS 500D",
        "picasa.jpg": "Canon PowerShot SD1100 IS",
        "el_torcal_rocks.jpg": "DSLR-A550",
    }
    failures: list[str] = []

    def work(path: Path) -> None:
        for _ in range(5):
            tags = exiftool.read_tags(path)
            if tags.get("Model") != expected[path.name]:
                failures.append(f"{path.name}: {tags.get('Model')}")

    threads = [threading.Thread(target=work, args=(files[i % 3],)) for i in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


@pytest.mark.parametrize(
    "name",
    [
        "-ver.jpg",
        "-execute",
        "--photo.jpg",
        "  leading and trailing spaces  .jpg",
        "#[CSTR]not a c string.jpg",
        "quotes ' \" $HOME @ARGV & ; | `.jpg",
        "ünïcödé 写真 📷.jpg",
        "tab\there.jpg",
    ],
)
def test_hostile_file_names_are_read_as_files(exiftool: ExifTool, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    shutil.copyfile(RATED, path)
    tags = exiftool.read_tags(path)
    assert tags["Rating"] == 3
    assert tags["FileName"] == name


def test_a_name_with_a_line_break_is_refused_clearly(exiftool: ExifTool, tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.jpg"
    shutil.copyfile(RATED, path)
    with pytest.raises(ValueError, match="line break"):
        exiftool.read_tags(path)
    # the refusal did not disturb the process
    assert exiftool.read_tags(RATED)["Rating"] == 3


def test_a_missing_file_is_an_error_not_a_hang(exiftool: ExifTool, tmp_path: Path) -> None:
    with pytest.raises(ExifToolError, match="File not found"):
        exiftool.read_tags(tmp_path / "nope.jpg")
    assert exiftool.read_tags(RATED)["Rating"] == 3


def test_an_unanswered_command_times_out_and_the_process_is_replaced(tmp_path: Path) -> None:
    silent = tmp_path / "silent-exiftool"
    silent.write_text("#!/bin/sh\nexec sleep 600\n")
    silent.chmod(silent.stat().st_mode | stat.S_IXUSR)
    tool = ExifTool(executable=str(silent), timeout=0.5)
    try:
        with pytest.raises(ExifToolTimeout):
            tool.read_tags(RATED)
        assert tool.pid is None
    finally:
        tool.close()


def test_a_missing_executable_is_a_clear_error(tmp_path: Path) -> None:
    tool = ExifTool(executable=str(tmp_path / "no-such-exiftool"))
    with pytest.raises(ExifToolError, match="cannot start"):
        tool.read_tags(RATED)


def test_extract_binary_returns_the_embedded_video(exiftool: ExifTool) -> None:
    video = exiftool.extract_binary(ASSETS / "formats/motionphoto/samsung-one-ui-6.heic", "MotionPhotoVideo")
    assert len(video) == 3_226_469
    assert video[4:8] == b"ftyp"
    assert exiftool.extract_binary(RATED, "MotionPhotoVideo") == b""
    with pytest.raises(ValueError):
        exiftool.extract_binary(RATED, "-all")


def test_write_tags_creates_an_xmp_sidecar_that_reads_back(exiftool: ExifTool, tmp_path: Path) -> None:
    sidecar = tmp_path / "-photo.jpg.xmp"
    exiftool.write_tags(
        sidecar,
        {
            "Description": "first line\nsecond line with a \\ backslash",
            "Rating": 4,
            "DateTimeOriginal": "2021:05:06 07:08:09+02:00",
            "TagsList": ["Trips/Alps", "-not an option"],
        },
    )
    tags = exiftool.read_tags(sidecar)
    assert tags["Description"] == "first line\nsecond line with a \\ backslash"
    assert tags["Rating"] == 4
    assert tags["DateTimeOriginal"] == "2021:05:06 07:08:09+02:00"
    assert tags["TagsList"] == ["Trips/Alps", "-not an option"]

    exiftool.write_tags(sidecar, {"Rating": None, "TagsList": ["Only"]})
    tags = exiftool.read_tags(sidecar)
    assert "Rating" not in tags
    assert tags["TagsList"] == ["Only"]


def test_write_tags_refuses_odd_tag_names(exiftool: ExifTool, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        exiftool.write_tags(tmp_path / "a.xmp", {"Rating\n-all": 1})


def test_the_shared_instance_belongs_to_this_process() -> None:
    assert get_exiftool() is get_exiftool()
