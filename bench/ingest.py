"""Ingest throughput: upload a generated corpus into a fresh `albumen serve` and wait until processed.

    python bench/ingest.py [--count 300] [--megapixels 12] [--concurrency 4] [--keep]

Reports photos per minute from the first upload until metadata and thumbnails are done for every
photo, CPU seconds per photo over every process involved (Albumen, its worker pool, exiftool,
PostgreSQL), the peak RSS of that process tree, and — in the same run, on the same files — the time
`vipsthumbnail` takes to make the same two thumbnails (250 px WebP, 1440 px JPEG) per photo.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "tools" / "make-corpus.py"
IMMICH_PHOTOS_PER_MINUTE = 300
IMMICH_CPU_SECONDS_PER_PHOTO = 0.35


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_corpus(out: Path, count: int, megapixels: float) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    existing = sorted(out.glob("*.jpg"))
    if len(existing) < count:
        subprocess.run(
            [
                sys.executable,
                str(MAKE_CORPUS),
                str(out),
                "--count",
                str(count),
                "--megapixels",
                str(megapixels),
            ],
            check=True,
        )
    return sorted(out.glob("*.jpg"))[:count]


class TreeSampler:
    """Samples the process tree of a server (plus its PostgreSQL) for CPU time and peak RSS."""

    def __init__(self, root_pid: int, pgdata: Path) -> None:
        self.root_pid = root_pid
        self.pgdata = str(pgdata)
        self.peak_rss = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def processes(self) -> list[psutil.Process]:
        found: dict[int, psutil.Process] = {}
        try:
            root = psutil.Process(self.root_pid)
            found[root.pid] = root
            for child in root.children(recursive=True):
                found[child.pid] = child
        except psutil.NoSuchProcess:
            pass
        for process in psutil.process_iter(["cmdline"]):
            cmdline = process.info.get("cmdline") or []
            if any(self.pgdata in part for part in cmdline):
                found[process.pid] = process
                for child in process.children(recursive=True):
                    found[child.pid] = child
        return list(found.values())

    def sample(self) -> None:
        rss = 0
        for process in self.processes():
            try:
                times = process.cpu_times()
                self.cpu[process.pid] = (
                    times.user + times.system + times.children_user + times.children_system
                )
                rss += process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        self.peak_rss = max(self.peak_rss, rss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(0.25)

    def start(self) -> None:
        self.sample()
        self.baseline = dict(self.cpu)
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self.sample()
        return sum(total - self.baseline.get(pid, 0.0) for pid, total in self.cpu.items())


async def upload_and_process(url: str, files: list[Path], concurrency: int) -> tuple[float, float]:
    """Returns (seconds until every upload answered, seconds until every job finished)."""
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        await http.post(
            "/api/auth/admin-sign-up", json={"email": "b@albumen.test", "password": "pw", "name": "B"}
        )
        login = (
            await http.post("/api/auth/login", json={"email": "b@albumen.test", "password": "pw"})
        ).json()
        headers = {"Authorization": f"Bearer {login['accessToken']}"}
        started = time.monotonic()
        queue: asyncio.Queue[Path] = asyncio.Queue()
        for path in files:
            queue.put_nowait(path)
        dates = {"fileCreatedAt": "2024-01-01T00:00:00.000Z", "fileModifiedAt": "2024-01-01T00:00:00.000Z"}

        async def uploader() -> None:
            while not queue.empty():
                path = queue.get_nowait()
                response = await http.post(
                    "/api/assets",
                    data=dates,
                    files={"assetData": (path.name, path.read_bytes(), "image/jpeg")},
                    headers=headers,
                )
                response.raise_for_status()

        await asyncio.gather(*(uploader() for _ in range(concurrency)))
        uploaded = time.monotonic() - started
        while True:
            queues = (await http.get("/api/jobs", headers=headers)).json()
            busy = sum(
                queue_["jobCounts"][state]
                for name, queue_ in queues.items()
                if name in ("metadataExtraction", "thumbnailGeneration", "storageTemplateMigration")
                for state in ("active", "waiting", "delayed")
            )
            if busy == 0:
                return uploaded, time.monotonic() - started
            await asyncio.sleep(0.2)


def vipsthumbnail_seconds(files: list[Path], work: Path) -> list[float]:
    binary = shutil.which("vipsthumbnail")
    if binary is None:
        return []
    work.mkdir(parents=True, exist_ok=True)
    times = []
    for path in files:
        started = time.perf_counter()
        subprocess.run(
            [binary, str(path), "--size", "1440x1440", "-o", f"{work}/%s-preview.jpeg[Q=80]"], check=True
        )
        subprocess.run(
            [binary, str(path), "--size", "250x250", "-o", f"{work}/%s-thumb.webp[Q=80]"], check=True
        )
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--megapixels", type=float, default=12)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "albumen-ingest-corpus")
    parser.add_argument("--keep", action="store_true", help="keep the server's data directory")
    parser.add_argument(
        "--ml",
        action="store_true",
        help="keep machine learning on (faces, OCR); off by default, as Immich was measured",
    )
    args = parser.parse_args()

    files = make_corpus(args.corpus / f"{args.megapixels:g}mp", args.count, args.megapixels)
    data_dir = Path(tempfile.mkdtemp(prefix="albumen-ingest-", dir="/tmp"))
    port = free_port()
    env = {**os.environ, "IMMICH_LOG_LEVEL": "warn"}
    env.pop("DB_URL", None)
    if not args.ml:
        env["IMMICH_MACHINE_LEARNING_ENABLED"] = "false"
    server = subprocess.Popen(
        [sys.executable, "-m", "albumen.cli", "serve", "--data-dir", str(data_dir), "--port", str(port),
         "--host", "127.0.0.1"],
        env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{url}/api/server/ping", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        sampler = TreeSampler(server.pid, data_dir / "postgres")
        sampler.start()
        uploaded, processed = asyncio.run(upload_and_process(url, files, args.concurrency))
        cpu_seconds = sampler.stop()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)

    baseline = vipsthumbnail_seconds(files, data_dir / "vips")
    shutil.rmtree(data_dir / "vips", ignore_errors=True)
    per_minute = len(files) / processed * 60
    cpu_per_photo = cpu_seconds / len(files)
    print(
        f"corpus: {len(files)} photos of {args.megapixels:g} MP, "
        f"{args.concurrency} concurrent uploads, {os.cpu_count()} CPUs, "
        f"machine learning {'on' if args.ml else 'off'}"
    )
    print(f"{'measure':<44}{'albumen':>12}{'target':>12}{'Immich':>12}")
    rate_row = f"{'photos/minute (upload -> thumbnails done)':<44}{per_minute:>12.0f}{'>= 450':>12}"
    print(f"{rate_row}{IMMICH_PHOTOS_PER_MINUTE:>12}")
    cpu_row = f"{'CPU seconds per photo (all processes)':<44}{cpu_per_photo:>12.3f}{'< 0.25':>12}"
    print(f"{cpu_row}{IMMICH_CPU_SECONDS_PER_PHOTO:>12}")
    print(f"{'peak RSS of the process tree (MB)':<44}{sampler.peak_rss / 2**20:>12.0f}")
    print(f"{'upload phase (s)':<44}{uploaded:>12.1f}")
    if baseline:
        vips_ms = statistics.median(baseline) * 1000
        wall_ms = processed / len(files) * 1000
        print(f"{'vipsthumbnail, two thumbnails (ms/photo, median)':<44}{vips_ms:>12.1f}")
        print(f"{'albumen wall time per photo (ms)':<44}{wall_ms:>12.1f}")


if __name__ == "__main__":
    main()
