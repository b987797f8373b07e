"""A phone's first full sync of a large library, over real HTTP: seconds and peak server memory.

    python bench/sync.py [--assets N] [--data-dir DIR]

Starts ``albumen serve`` on a fresh data directory, signs up the admin, seeds N assets with EXIF and
stacks (rows, not files; the same seed as ``bench/timeline.py``), then streams ``POST
/api/sync/stream`` with every type the 3.1 mobile app asks for, reading the NDJSON as it arrives.
Reports the stream's duration, its size and line count, and the peak resident memory of the server's
Python processes (sampled every 20 ms; the embedded PostgreSQL is not counted). Exits non-zero when
a target is missed (issue 6: a 100,000-asset sync in under 20 s and 300 MB).
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timeline import Client, Server, free_port, seed, sign_in

TARGET_SECONDS = 20.0
TARGET_RSS_MB = 300.0
TYPES = [
    "AuthUsersV1",
    "UsersV1",
    "AssetsV2",
    "AssetExifsV1",
    "AssetEditsV1",
    "AssetMetadataV1",
    "PartnersV1",
    "PartnerAssetsV2",
    "PartnerAssetExifsV1",
    "AlbumsV2",
    "AlbumUsersV1",
    "AlbumAssetsV2",
    "AlbumAssetExifsV1",
    "AlbumToAssetsV1",
    "MemoriesV1",
    "MemoryToAssetsV1",
    "StacksV1",
    "PartnerStacksV1",
    "UserMetadataV1",
    "PeopleV1",
    "AssetFacesV2",
    "AssetOcrV1",
]


class PeakMemory:
    """Samples the RSS of the server process and its Python children until stopped."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak_bytes = 0
        self.root_peak_bytes = 0
        self.first_total_bytes = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _processes(self) -> list[psutil.Process]:
        children = [child for child in self.root.children(recursive=True) if "postgres" not in child.name()]
        return [self.root, *children]

    def _run(self) -> None:
        while not self.stopped.is_set():
            total = 0
            for process in self._processes():
                try:
                    rss = process.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                if process.pid == self.root.pid:
                    self.root_peak_bytes = max(self.root_peak_bytes, rss)
            self.first_total_bytes = self.first_total_bytes or total
            self.peak_bytes = max(self.peak_bytes, total)
            time.sleep(0.02)

    def __enter__(self) -> PeakMemory:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()


def full_sync(port: int, token: str) -> tuple[float, int, int]:
    """(seconds, bytes, lines) of one full stream, read in 64 KiB chunks as the app reads it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/jsonlines+json",
    }
    started = time.perf_counter()
    connection.request("POST", "/api/sync/stream", body=json.dumps({"types": TYPES}), headers=headers)
    response = connection.getresponse()
    if response.status != 200:
        raise RuntimeError(f"sync answered {response.status}: {response.read()[:300]!r}")
    size = lines = 0
    last = b""
    while chunk := response.read(65536):
        size += len(chunk)
        lines += chunk.count(b"\n")
        last = (last + chunk)[-400:]
    seconds = time.perf_counter() - started
    if b'"SyncCompleteV1"' not in last.splitlines()[-1]:
        raise RuntimeError("the stream did not end with SyncCompleteV1")
    return seconds, size, lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=100_000, help="assets to seed (default 100000)")
    parser.add_argument("--data-dir", type=Path, help="keep (and reuse) this data directory")
    args = parser.parse_args()

    root = None if args.data_dir else Path(tempfile.mkdtemp(prefix="albumen-bench-", dir="/tmp"))
    data_dir = args.data_dir.resolve() if args.data_dir else root / "data"  # type: ignore[operator]
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.parent.chmod(0o755)
    server = Server(data_dir, free_port())
    try:
        server.start()
        client = Client(server.port)
        owner_id = sign_in(client)
        existing = int(server.psql("SELECT count(*) FROM asset"))
        if existing == 0:
            print(f"seeded {args.assets} assets in {seed(server, owner_id, args.assets):.0f} s")
        elif existing != args.assets:
            raise RuntimeError(f"{data_dir} already holds {existing} assets, not {args.assets}")
        token = client.headers["Authorization"].removeprefix("Bearer ")
        assert server.process is not None
        with PeakMemory(server.process.pid) as memory:
            baseline_mb = memory.root.memory_info().rss / 1e6
            seconds, size, lines = full_sync(server.port, token)
    finally:
        server.stop()
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)

    # The target is the process serving the stream; the total adds the worker pool and exiftool.
    peak_mb = memory.root_peak_bytes / 1e6
    total_mb = memory.peak_bytes / 1e6
    within = seconds < TARGET_SECONDS and peak_mb < TARGET_RSS_MB
    print(f"{args.assets} assets: full first sync of {len(TYPES)} types")
    print(f"  {seconds:.2f} s (target < {TARGET_SECONDS:.0f} s), {lines} lines, {size / 1e6:.1f} MB")
    print(
        f"  peak RSS of the API process {peak_mb:.0f} MB (target < {TARGET_RSS_MB:.0f} MB; "
        f"{baseline_mb:.0f} MB before)"
    )
    print(
        f"  peak RSS of all server processes but PostgreSQL {total_mb:.0f} MB "
        f"({memory.first_total_bytes / 1e6:.0f} MB before)"
    )
    print("within targets" if within else "OVER TARGET")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
