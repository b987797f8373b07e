"""What the ML service's HTTP layer costs on top of its models, and how much memory it holds.

    python bench/ml.py [--runs N] [--no-predict] [--smart-search-assets N] [--data-dir DIR]

Per task (faces: YuNet + SFace, OCR: PP-OCR, CLIP: the tiny stand-in model from tests/ml), the
median milliseconds per image through ``POST /predict`` of a ``python -m albumen.ml`` child process,
against the same model classes with the same settings called directly in this process: decode plus
predict, no HTTP. Requests and direct calls alternate so drift hits both alike. Then the RSS of the
service process once faces and OCR have run (and before CLIP is loaded).

Smart search (``--smart-search-assets N``, default 100000; 0 skips it; ``--no-predict`` runs only
this part): an ``albumen serve`` with N seeded assets (bench/timeline.py's rows) each holding a
random 512-d embedding, then p50/p99 of ``POST /api/search/smart`` with ``queryAssetId`` (no text
encoding), a first page of Immich's 100, and whether PostgreSQL plans the HNSW index.
``--data-dir DIR`` keeps the seeded directory for the next run (seeding, about three minutes for
100,000, is skipped when it already holds the embeddings).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
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
sys.path.insert(0, str(REPO / "bench"))

from timeline import Client, Server, seed, sign_in  # noqa: E402
from timeline import measure as measure_requests  # noqa: E402

from albumen.ml.app import MlService, parse_entries, render  # noqa: E402
from albumen.ml.image import decode_image  # noqa: E402
from albumen.ml.registry import DEPENDENCIES  # noqa: E402
from albumen.ml.settings import MlSettings  # noqa: E402
from tests.ml.contract import CLIP_TEXTUAL, CLIP_VISUAL, FACES, OCR  # noqa: E402
from tests.ml.tiny_models import build_tiny_clip  # noqa: E402

TESTDATA = REPO.parent / "shared" / "testdata" / "immich-test-assets"
OVERHEAD_TARGET = 0.15
RSS_TARGET_MB = 500.0
SMART_SEARCH_TARGET_MS = 50.0
CLIP_DIM = 512


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


def embeddings_sql(dim: int) -> str:
    """A random embedding for every asset. The HNSW index (migration 0012's definition) is dropped
    and built again after the load: one bulk build is far faster than 100,000 inserts into it."""
    index = f"ix_smart_search_embedding_{dim}"
    return f"""
SET maintenance_work_mem = '1GB';
DROP INDEX IF EXISTS {index};
INSERT INTO smart_search (asset_id, dim, embedding)
SELECT a.id, {dim},
       (SELECT array_agg(random() - 0.5) FROM generate_series(1, {dim}) WHERE a.id IS NOT NULL)::vector
FROM asset a;
CREATE INDEX {index} ON smart_search
    USING hnsw ((embedding::vector({dim})) vector_cosine_ops) WHERE dim = {dim};
VACUUM (ANALYZE) smart_search;
"""


def plan_uses_index(server: Server, owner_id: str, query_id: str) -> bool:
    """Whether the planner takes the HNSW index for the shape of query smart search sends."""
    plan = server.psql(
        f"""EXPLAIN SELECT a.id FROM asset a JOIN smart_search s ON s.asset_id = a.id
        WHERE a.owner_id = '{owner_id}' AND a.visibility IN ('archive', 'timeline')
          AND a.deleted_at IS NULL AND s.dim = {CLIP_DIM}
        ORDER BY CAST(s.embedding AS vector({CLIP_DIM})) <=> (SELECT CAST(embedding AS vector({CLIP_DIM}))
                 FROM smart_search WHERE asset_id = '{query_id}') LIMIT 101"""
    )
    return f"ix_smart_search_embedding_{CLIP_DIM}" in plan


def smart_search_bench(assets: int, runs: int, data_dir: Path | None = None) -> bool:
    """Seed (unless ``data_dir`` already holds the embeddings), measure, print; True when p99 is
    within the target."""
    # A short root keeps the embedded PostgreSQL's Unix socket path under its length limit.
    root = None if data_dir else Path(tempfile.mkdtemp(prefix="albumen-bench-", dir="/tmp"))
    data_dir = data_dir.resolve() if data_dir else root / "data"  # type: ignore[operator]
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.parent.chmod(0o755)  # as root, the cluster belongs to albumen-postgres, who must reach it
    server = Server(data_dir, free_port())
    try:
        server.start()
        client = Client(server.port)
        owner_id = sign_in(client)
        existing = int(server.psql(f"SELECT count(*) FROM smart_search WHERE dim = {CLIP_DIM}"))
        if existing == 0:
            started = time.monotonic()
            if int(server.psql("SELECT count(*) FROM asset")) == 0:
                seed(server, owner_id, assets)
            server.psql(embeddings_sql(CLIP_DIM))
            seconds = time.monotonic() - started
            print(f"seeded {assets} assets with {CLIP_DIM}-d embeddings in {seconds:.0f} s")
        elif existing != assets:
            raise RuntimeError(f"{data_dir} already holds {existing} embeddings, not {assets}")
        query_ids = server.psql(
            "SELECT id FROM asset WHERE visibility = 'timeline' AND deleted_at IS NULL"
            f" ORDER BY md5(id::text) LIMIT {runs}"
        ).split()
        uses_index = plan_uses_index(server, owner_id, query_ids[0])
        turn = iter(range(10**9))

        def request() -> tuple[int, bytes]:
            query_id = query_ids[next(turn) % len(query_ids)]
            return client.call("POST", "/api/search/smart", {"queryAssetId": query_id})

        result = measure_requests(client, "search/smart", request, runs, min(20, runs), "")
    finally:
        server.stop()
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)
    within = result.p99 < SMART_SEARCH_TARGET_MS
    print(f"smart search, {assets} embeddings, {runs} requests (queryAssetId, pages of 100)")
    print(
        f"  p50 {result.p50:.1f} ms, p99 {result.p99:.1f} ms (target < {SMART_SEARCH_TARGET_MS:.0f} ms): "
        f"{'ok' if within else 'MISS'}; HNSW index planned: {'yes' if uses_index else 'NO'}"
    )
    return within


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--smart-search-assets", type=int, default=100_000)
    parser.add_argument("--smart-search-requests", type=int, default=200)
    parser.add_argument("--no-predict", action="store_true", help="only the smart search part")
    parser.add_argument("--data-dir", type=Path, help="keep (and reuse) the smart search data directory")
    args = parser.parse_args()
    if not args.no_predict:
        predict_bench(args.runs)
    if args.smart_search_assets and not smart_search_bench(
        args.smart_search_assets, args.smart_search_requests, args.data_dir
    ):
        sys.exit(1)


def predict_bench(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="albumen-ml-bench-") as folder:
        cache = Path(folder)
        build_tiny_clip(cache)
        port = free_port()
        process = start_service(cache, port)
        service = MlService(MlSettings(cache_folder=cache, model_ttl=0, request_threads=1))
        url = f"http://127.0.0.1:{port}/predict"
        tasks: list[tuple[str, str, dict[str, Any], bytes | None, str | None]] = [
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
                    http_ms, direct_ms = measure(client, url, service, request, image, text, runs)
                    rows.append((name, what, http_ms, direct_ms))
                    if name == "OCR":
                        rss_mb = psutil.Process(process.pid).memory_info().rss / 2**20
        finally:
            process.terminate()
            process.wait(timeout=30)
            service.close()

    print(f"ML service bench, {runs} runs per task, median ms per image ({os.cpu_count()} CPUs)")
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
