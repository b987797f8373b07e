"""Probing, posters, thumbnails, Immich's transcode decision and real transcodes of the test clips."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from albumen.media.errors import CorruptMediaError, MediaError
from albumen.media.ffprobe import parse_iso6709
from albumen.media.thumbhash import thumbhash_aspect_ratio
from albumen.media.transcode import (
    FFmpegConfig,
    TranscodeTarget,
    build_command,
    needs_transcode,
    transcode_target,
)
from albumen.media.video import VideoInfo, extract_poster, generate_video_thumbnails, probe, transcode
from tests.conftest import TESTDATA

VIDEOS = TESTDATA / "videos"
CLIPS = {
    # name: (display width, height, rotation, duration ms, video codec, audio codec)
    "h264-aac-gps.mp4": (640, 360, 0, 3000, "h264", "aac"),
    "hevc-rotated.mov": (720, 1280, 90, 2000, "hevc", "aac"),
    "legacy-mpeg4.avi": (320, 240, 0, 4000, "mpeg4", None),
    "vp9.webm": (640, 480, 0, 2000, "vp9", None),
}


@pytest.mark.parametrize("name", list(CLIPS))
def test_probe_reports_display_size_rotation_duration_and_codecs(name: str) -> None:
    info = probe(VIDEOS / name)

    assert (
        info.width,
        info.height,
        info.rotation,
        info.duration_ms,
        info.video_codec,
        info.audio_codec,
    ) == CLIPS[name]
    assert info.fps > 0


def test_probe_reads_creation_time_and_iso6709_location() -> None:
    info = probe(VIDEOS / "h264-aac-gps.mp4")

    assert info.creation_time == datetime(2024, 7, 14, 18, 30, tzinfo=UTC)
    assert info.latitude == pytest.approx(48.8584)
    assert info.longitude == pytest.approx(2.2945)


def test_iso6709_forms() -> None:
    assert parse_iso6709("+48.8584+002.2945+35.000/") == (48.8584, 2.2945, 35.0)
    assert parse_iso6709("-33.8568+151.2153/") == (-33.8568, 151.2153, None)
    latitude, longitude, _ = parse_iso6709("+404536.6-0735906.4/") or (0, 0, 0)
    assert (round(latitude, 4), round(longitude, 4)) == (40.7602, -73.9851)
    assert parse_iso6709("+95.0+000.0/") is None
    assert parse_iso6709("somewhere") is None


@pytest.mark.parametrize("name", list(CLIPS))
def test_every_clip_gets_an_upright_poster_and_thumbnails(name: str, tmp_path: Path) -> None:
    info = probe(VIDEOS / name)

    poster = extract_poster(VIDEOS / name, info)
    result = generate_video_thumbnails(
        VIDEOS / name, info, None, thumbnail_path=tmp_path / "t.webp", preview_path=tmp_path / "p.jpeg"
    )

    assert poster.size == (info.width, info.height)
    with Image.open(result.thumbnail.path) as thumbnail, Image.open(result.preview.path) as preview:
        assert thumbnail.format == "WEBP" and preview.format == "JPEG"
        assert min(thumbnail.size) == min(250, info.width, info.height)
        assert (thumbnail.width > thumbnail.height) == (info.width > info.height)
    assert thumbhash_aspect_ratio(result.thumbhash) == pytest.approx(info.width / info.height, rel=0.35)


def test_rotated_video_poster_is_portrait() -> None:
    info = probe(VIDEOS / "hevc-rotated.mov")

    assert extract_poster(VIDEOS / "hevc-rotated.mov", info, max_short_side=250).size == (250, 444)


POLICIES: list[tuple[str, dict, bool]] = [
    # (clip, ffmpeg config, Immich's decision)
    ("h264-aac-gps.mp4", {"transcode": "required"}, False),
    ("h264-aac-gps.mp4", {"transcode": "optimal"}, False),
    ("h264-aac-gps.mp4", {"transcode": "optimal", "targetResolution": "240"}, True),
    ("h264-aac-gps.mp4", {"transcode": "bitrate"}, True),  # maxBitrate "0": any bitrate is above it
    ("h264-aac-gps.mp4", {"transcode": "bitrate", "maxBitrate": "1M"}, False),
    ("h264-aac-gps.mp4", {"transcode": "all"}, True),
    ("h264-aac-gps.mp4", {"transcode": "required", "acceptedAudioCodecs": ["mp3"]}, True),
    ("hevc-rotated.mov", {"transcode": "required"}, True),
    ("hevc-rotated.mov", {"transcode": "required", "acceptedVideoCodecs": ["h264", "hevc"]}, False),
    ("hevc-rotated.mov", {"transcode": "disabled"}, False),
    ("legacy-mpeg4.avi", {"transcode": "required"}, True),
    ("legacy-mpeg4.avi", {"transcode": "disabled"}, False),
    ("vp9.webm", {"transcode": "required"}, True),
    # Immich compares ffprobe's "matroska,webm" with "webm", so WebM is always remuxed.
    ("vp9.webm", {"transcode": "required", "acceptedVideoCodecs": ["vp9"]}, True),
]


@pytest.mark.parametrize(("name", "config", "expected"), POLICIES)
def test_needs_transcode_decides_like_immich(name: str, config: dict, expected: bool) -> None:
    assert needs_transcode(probe(VIDEOS / name), config) is expected


def test_transcode_target_separates_audio_and_video() -> None:
    info = probe(VIDEOS / "hevc-rotated.mov")

    assert transcode_target(info, {}) is TranscodeTarget.VIDEO
    assert transcode_target(info, {"acceptedAudioCodecs": ["mp3"]}) is TranscodeTarget.ALL
    assert (
        transcode_target(info, {"acceptedVideoCodecs": ["hevc"], "acceptedAudioCodecs": []})
        is TranscodeTarget.AUDIO
    )


def ffprobe_streams(path: Path) -> list[dict[str, str]]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,pix_fmt,width,height",
         "-of", "compact=p=0:nk=0", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [dict(field.split("=", 1) for field in line.split("|")) for line in out.strip().splitlines()]


def assert_faststart(path: Path) -> None:
    data = path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")


@pytest.mark.parametrize("name", ["legacy-mpeg4.avi", "vp9.webm"])
def test_transcode_makes_a_playable_h264_mp4(name: str, tmp_path: Path) -> None:
    info = probe(VIDEOS / name)
    progress: list[float] = []

    target = transcode(VIDEOS / name, info, {}, tmp_path / "out.mp4", progress=progress.append)

    assert target is TranscodeTarget.VIDEO
    streams = ffprobe_streams(tmp_path / "out.mp4")
    assert [(s["codec_type"], s["codec_name"], s["pix_fmt"]) for s in streams] == [
        ("video", "h264", "yuv420p")
    ]
    assert probe(tmp_path / "out.mp4").duration_ms == pytest.approx(info.duration_ms, abs=150)
    assert_faststart(tmp_path / "out.mp4")
    assert progress and progress[-1] == 1.0
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]


@pytest.fixture
def clip_with_pcm_audio(tmp_path: Path) -> Path:
    path = tmp_path / "pcm.mov"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=1",
         "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
         "-c:a", "pcm_s16le", str(path)],
        check=True,
    )  # fmt: skip
    return path


def test_unaccepted_audio_becomes_aac_while_h264_is_copied(clip_with_pcm_audio: Path, tmp_path: Path) -> None:
    info = probe(clip_with_pcm_audio)

    target = transcode(clip_with_pcm_audio, info, {}, tmp_path / "out.mp4")

    assert target is TranscodeTarget.AUDIO
    codecs = [(s["codec_type"], s["codec_name"]) for s in ffprobe_streams(tmp_path / "out.mp4")]
    assert codecs == [("video", "h264"), ("audio", "aac")]


def test_rotated_hevc_is_transcoded_upright_and_scaled_to_target(tmp_path: Path) -> None:
    info = probe(VIDEOS / "hevc-rotated.mov")

    transcode(VIDEOS / "hevc-rotated.mov", info, {"targetResolution": "480"}, tmp_path / "out.mp4")

    out = probe(tmp_path / "out.mp4")
    assert (out.width, out.height, out.video_codec, out.audio_codec) == (480, 854, "h264", "aac")


def test_two_pass_with_a_bitrate_cap_leaves_no_pass_logs(tmp_path: Path) -> None:
    info = probe(VIDEOS / "vp9.webm")
    config = {"twoPass": True, "maxBitrate": "400k"}

    transcode(VIDEOS / "vp9.webm", info, config, tmp_path / "out.mp4")

    assert ffprobe_streams(tmp_path / "out.mp4")[0]["codec_name"] == "h264"
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]


def test_failed_transcode_raises_and_leaves_nothing(tmp_path: Path) -> None:
    info = probe(VIDEOS / "vp9.webm")
    broken = tmp_path / "broken.webm"
    broken.write_bytes((VIDEOS / "vp9.webm").read_bytes()[:2000])

    with pytest.raises(MediaError):
        transcode(broken, info, {"targetVideoCodec": "h264"}, tmp_path / "out" / "x.mp4")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("content", [b"", b"plain text, not a video\n" * 50])
def test_probe_rejects_non_videos(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "fake.mp4"
    path.write_bytes(content)

    with pytest.raises(CorruptMediaError):
        probe(path)


def test_a_still_image_is_not_a_video() -> None:
    with pytest.raises(CorruptMediaError):
        probe(TESTDATA / "immich-test-assets/formats/png/density_plot.png")


def _options(info: VideoInfo, config: dict, target: TranscodeTarget = TranscodeTarget.VIDEO) -> str:
    inputs, outputs = build_command(info, config, target)
    return " ".join(inputs + outputs)


def test_command_follows_the_codec_settings() -> None:
    info = probe(VIDEOS / "h264-aac-gps.mp4")

    assert "-c:v libx265" in _options(info, {"targetVideoCodec": "hevc"})
    assert "-tag:v hvc1" in _options(info, {"targetVideoCodec": "hevc"})
    assert "-cpu-used 5 -row-mt 1" in _options(info, {"targetVideoCodec": "vp9"})
    assert "-c:v libsvtav1" in _options(info, {"targetVideoCodec": "av1"})
    assert "-preset 12 -crf 23" in _options(info, {"targetVideoCodec": "av1"})
    assert "-threads 1 -x264-params frame-threads=1:pools=none" in _options(info, {"threads": 1})
    assert "-bf 2 -refs 3 -g 60" in _options(info, {"bframes": 2, "refs": 3, "gopSize": 60})
    assert "-crf 30 -maxrate 2M -bufsize 4M" in _options(info, {"crf": 30, "maxBitrate": "2M"})
    assert "-c:a libopus" in _options(info, {"targetAudioCodec": "opus"}, TranscodeTarget.ALL)
    assert "-movflags faststart" in _options(info, {})
    assert "-map_metadata -1" in _options(info, {})


def test_scaling_and_hdr_tonemapping_filters() -> None:
    info = probe(VIDEOS / "hevc-rotated.mov")
    portrait = _options(info, {"targetResolution": "480"})
    assert "-vf scale=480:-2" in portrait
    assert "scale=" not in _options(info, {"targetResolution": "original"})
    hdr = FFmpegConfig(tonemap="hable")
    stream = info.video
    assert stream is not None
    from dataclasses import replace

    hdr_info = replace(info, video_streams=[replace(stream, is_hdr=True, pixel_format="yuv420p10le")])
    assert "tonemap=tonemap=hable" in _options(hdr_info, {"tonemap": "hable"})
    assert "tonemap" not in _options(hdr_info, {"tonemap": "disabled"})
    assert "format=yuv420p" in _options(hdr_info, {"tonemap": "disabled"})
    assert hdr.tonemap == "hable"


def test_hardware_acceleration_emits_encoder_and_device_flags() -> None:
    info = probe(VIDEOS / "h264-aac-gps.mp4")

    nvenc = _options(info, {"accel": "nvenc"})
    assert "-init_hw_device cuda=cuda:0" in nvenc and "-c:v h264_nvenc" in nvenc
    assert "-c:v hevc_vaapi" in _options(info, {"accel": "vaapi", "targetVideoCodec": "hevc"})
