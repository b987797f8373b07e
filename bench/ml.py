"""What the ML service's HTTP layer costs on top of its models, and how much memory it holds.

    python bench/ml.py [--runs N]

Per task (faces: YuNet + SFace, OCR: PP-OCR, CLIP: the tiny stand-in model from tests/ml), the
median milliseconds per image through ``POST /predict`` of a ``python -m albumen.ml`` child process,
against the same model classes with the same settings called directly in this process: decode plus
predict, no HTTP. Requests and direct calls alternate so drift hits both alike. Then the RSS of the
service process once faces and OCR have run (and before CLIP is loaded).
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import psutil
from PIL import Image, ImageOps

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from albumen.ml.app import MlService, parse_entries, render  # noqa: E402
from albumen.ml.image import decode_image  # noqa: E402
from albumen.ml.registry import DEPENDENCIES  # noqa: E402
from albumen.ml.settings import MlSettings  # noqa: E402
from tests.ml.contract import CLIP_TEXTUAL, CLIP_VISUAL, FACES, OCR  # noqa: E402
from tests.ml.tiny_models import build_tiny_clip  # noqa: E402

TESTDATA = REPO.parent / "shared" / "testdata" / "immich-test-assets"
OVERHEAD_TARGET = 0.15
RSS_TARGET_MB = 500.0


def preview(relative: str, side: int = 1440) -> bytes:
    with Image.open(TESTDATA / relative) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((side, side))
    buffer = io.BytesIO()
    upright.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_service(cache: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MACHINE_LEARNING_CACHE_FOLDER": str(cache),
        "MACHINE_LEARNING_HOST": "127.0.0.1",
        "MACHINE_LEARNING_PORT": str(port),
        "MACHINE_LEARNING_MODEL_TTL": "0",
        "HF_HUB_OFFLINE": "1",
        "IMMICH_LOG_LEVEL": "error",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "albumen.ml"], env=env, cwd=REPO, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ping").text == "pong":
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the ML service did not answer /ping within 60 s")


def direct_call(
    service: MlService, request: dict[str, Any], image: bytes | None, text: str | None
) -> Callable[[], Any]:
    """The models of ``request`` run in this process, in dependency order, without HTTP."""
    entries = parse_entries(orjson.dumps(request).decode())
    ordered = sorted(entries, key=lambda entry: len(DEPENDENCIES[(entry.task, entry.type)]))

    def call() -> Any:
        payload = decode_image(image) if image is not None else text
        outputs: dict[Any, Any] = {}
        for entry in ordered:
            model = service.cache.get(entry.task, entry.type, entry.model_name)
            inputs = [outputs[dependency] for dependency in DEPENDENCIES[(entry.task, entry.type)]]
            outputs[(entry.task, entry.type)] = model.predict(payload, *inputs, options=entry.options)
        return render(outputs[(ordered[-1].task, ordered[-1].type)], payload)  # type: ignore[arg-type]

    return call


def measure(
    client: httpx.Client,
    url: str,
    service: MlService,
    request: dict[str, Any],
    image: bytes | None,
    text: str | None,
    runs: int,
) -> tuple[list[float], list[float]]:
    data = {"entries": orjson.dumps(request).decode(), **({"text": text} if text is not None else {})}
    files = {"image": ("blob", image)} if image is not None else None
    direct = direct_call(service, request, image, text)

    def over_http() -> None:
        response = client.post(url, data=data, files=files)
        response.raise_for_status()

    for _ in range(3):  # load models, warm caches and allocators on both sides
        over_http()
        direct()
    http_ms, direct_ms = [], []
    for _ in range(runs):
        start = time.perf_counter()
        over_http()
        http_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        direct()
        direct_ms.append((time.perf_counter() - start) * 1000)
    return http_ms, direct_ms


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="albumen-ml-bench-") as folder:
        cache = Path(folder)
        build_tiny_clip(cache)
        port = free_port()
        process = start_service(cache, port)
        service = MlService(MlSettings(cache_folder=cache, model_ttl=0, request_threads=1))
        url = f"http://127.0.0.1:{port}/predict"
        tasks = [
            ("faces", "portrait.jpg 840x700", FACES, preview("metadata/faces/portrait.jpg"), None),
            ("OCR", "craft-beer.jpg 1440x960", OCR, preview("albums/text/craft-beer.jpg"), None),
            (
                "CLIP image (tiny)",
                "prairie_falcon.jpg 800x533",
                CLIP_VISUAL,
                preview("albums/nature/prairie_falcon.jpg"),
                None,
            ),
            ("CLIP text (tiny)", "'a dog on the beach'", CLIP_TEXTUAL, None, "a dog on the beach"),
        ]
        rows: list[tuple[str, str, list[float], list[float]]] = []
        rss_mb = 0.0
        try:
            with httpx.Client(timeout=120) as client:
                for name, what, request, image, text in tasks:
                    http_ms, direct_ms = measure(client, url, service, request, image, text, args.runs)
                    rows.append((name, what, http_ms, direct_ms))
                    if name == "OCR":
                        rss_mb = psutil.Process(process.pid).memory_info().rss / 2**20
        finally:
            process.terminate()
            process.wait(timeout=30)
            service.close()

    print(f"ML service bench, {args.runs} runs per task, median ms per image ({os.cpu_count()} CPUs)")
    print("(the fastest run in brackets: on a busy machine it shows the cost without CPU contention)")
    print(f"{'task':<18} {'input':<27} {'HTTP ms':>15} {'direct ms':>15} {'overhead':>9}")
    for name, what, http_ms, direct_ms in rows:
        http, direct = statistics.median(http_ms), statistics.median(direct_ms)
        timings = f"{http:>8.1f} ({min(http_ms):>5.1f}) {direct:>8.1f} ({min(direct_ms):>5.1f})"
        print(f"{name:<18} {what:<27} {timings} {(http - direct) / direct:>8.1%}")
    print(f"service RSS with faces and OCR loaded: {rss_mb:.0f} MB (target < {RSS_TARGET_MB:.0f} MB)")
    print(f"overhead target < {OVERHEAD_TARGET:.0%} (for the real models; the tiny CLIP is all HTTP cost)")


if __name__ == "__main__":
    main()
