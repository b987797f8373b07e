"""How fast ``albumen serve`` starts, and how much memory it holds when idle.

    python bench/startup.py [--runs N] [--idle SECONDS]

Cold start: a fresh data directory (initdb, migrations) until ``/api/server/ping`` answers.
Warm start: the same, on a data directory that already holds a migrated cluster.
Idle memory: the whole tree (the albumen process, its children, and the postmaster with its
backends for that PGDATA) after SECONDS without requests. RSS counts shared pages once per
process; PSS splits them between the processes sharing them, so its sum is the honest total.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

WARM_START_TARGET_S = 3.0
IDLE_RSS_TARGET_MB = 250.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    data_dir: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120) -> float:
        """Start ``albumen serve`` and return the seconds until ping answers."""
        env = {**os.environ, "IMMICH_LOG_LEVEL": "warn"}
        for name in ("DB_URL", "DB_HOSTNAME", "ALBUMEN_DATA_DIR"):
            env.pop(name, None)
        command = [
            sys.executable,
            "-m",
            "albumen.cli",
            "serve",
            "--data-dir",
            str(self.data_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        started = time.monotonic()
        self.process = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log_path, "ab"),  # noqa: SIM115
        )
        url = f"http://127.0.0.1:{self.port}/api/server/ping"
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"albumen serve exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.01)
        raise TimeoutError(f"albumen serve did not answer within {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(60)

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / f"{self.data_dir.name}.log"

    def process_tree(self) -> list[psutil.Process]:
        """The albumen process and its descendants, plus the postmaster for its PGDATA and its backends."""
        assert self.process is not None
        root = psutil.Process(self.process.pid)
        found = {root.pid: root, **{child.pid: child for child in root.children(recursive=True)}}
        pid_file = self.data_dir / "postgres" / "postmaster.pid"
        postmaster_pid = int(pid_file.read_text().split("\n", 1)[0])
        postmaster = psutil.Process(postmaster_pid)
        found[postmaster.pid] = postmaster
        found.update({child.pid: child for child in postmaster.children(recursive=True)})
        return list(found.values())


def smaps_rollup_kb(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                values[parts[0].rstrip(":")] = int(parts[1])
    return values


def idle_memory(server: Server, idle_seconds: float) -> tuple[int, float, float]:
    """Return (process count, RSS sum MB, PSS sum MB) after ``idle_seconds`` without requests."""
    time.sleep(idle_seconds)
    rss_kb = pss_kb = 0
    processes = server.process_tree()
    for process in processes:
        rollup = smaps_rollup_kb(process.pid)
        rss_kb += rollup.get("Rss", 0)
        pss_kb += rollup.get("Pss", 0)
    return len(processes), rss_kb / 1024, pss_kb / 1024


def new_data_dir(root: Path, name: str) -> Path:
    path = root / name
    shutil.rmtree(path, ignore_errors=True)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="starts of each kind (median reported)")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before measuring memory")
    args = parser.parse_args()

    # A short root keeps the embedded PostgreSQL's Unix socket path under its length limit.
    root = Path(tempfile.mkdtemp(prefix="albumen-bench-", dir="/tmp"))
    root.chmod(0o755)  # as root, the cluster belongs to albumen-postgres, who must reach it
    cold_times: list[float] = []
    warm_times: list[float] = []
    try:
        for run in range(args.runs):
            server = Server(new_data_dir(root, f"cold{run}"), free_port())
            try:
                cold_times.append(server.start())
            finally:
                server.stop()
            shutil.rmtree(server.data_dir, ignore_errors=True)

        warm = Server(new_data_dir(root, "warm"), free_port())
        warm.start()
        warm.stop()
        for run in range(args.runs):
            warm.port = free_port()
            try:
                warm_times.append(warm.start())
                if run == args.runs - 1:
                    processes, rss_mb, pss_mb = idle_memory(warm, args.idle)
            finally:
                warm.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    cold = statistics.median(cold_times)
    warm_median = statistics.median(warm_times)
    rows = [
        ("cold start (median)", f"{cold:.2f} s", "", " ".join(f"{t:.2f}" for t in cold_times)),
        (
            "warm start (median)",
            f"{warm_median:.2f} s",
            f"< {WARM_START_TARGET_S:.0f} s",
            " ".join(f"{t:.2f}" for t in warm_times),
        ),
        (f"idle RSS sum, {processes} processes", f"{rss_mb:.0f} MB", f"< {IDLE_RSS_TARGET_MB:.0f} MB", ""),
        (f"idle PSS sum, {processes} processes", f"{pss_mb:.0f} MB", "", ""),
    ]
    print(f"{'measure':<34} {'value':>9}  {'target':<9} runs")
    for name, value, target, runs in rows:
        print(f"{name:<34} {value:>9}  {target:<9} {runs}")
    within = warm_median < WARM_START_TARGET_S and rss_mb < IDLE_RSS_TARGET_MB
    print("within targets" if within else "OVER TARGET")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
