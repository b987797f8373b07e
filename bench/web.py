"""The web app on a large library: first paint of the timeline, and memory after ten years of it.

    python bench/web.py [--assets N] [--runs N] [--data-dir DIR]

Starts ``albumen serve`` (with the built web app: ``./scripts/build-web``) on a fresh data
directory, signs up the admin and seeds N assets over ten years with ``bench/timeline.py``'s
seeding, then drives Debian's Chromium (``bench/web.mjs``, playwright-core from ``web/``):

- time from navigation start to the first row of the timeline painted (thumbhash placeholders;
  the app marks ``albumen:first-row`` two animation frames after the first tiles are in the DOM),
  the median over ``--runs`` page loads after one cold load;
- JS heap (Chromium's ``JSHeapUsedSize``) after scrolling the timeline from now to ten years ago,
  the peak sampled while scrolling, and the heap after a forced garbage collection.

Targets (issue 5): first row under 1.5 s, heap under 300 MB. Exits non-zero when one is missed.
Seeded rows have no thumbnail files, so the thumbnails themselves answer 404 and the
placeholders are what gets painted.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_ROW_TARGET_MS = 1500.0
HEAP_TARGET_MB = 300.0


def load_timeline_bench():  # type: ignore[no-untyped-def]
    """bench/timeline.py owns the server wrapper and the seeding; reuse them rather than copy."""
    spec = importlib.util.spec_from_file_location("bench_timeline", ROOT / "bench" / "timeline.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_timeline"] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=100_000, help="assets to seed (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="timed page loads after a cold one")
    parser.add_argument("--data-dir", type=Path, help="keep (and reuse) this data directory")
    args = parser.parse_args()

    if not (ROOT / "albumen" / "web_dist" / "index.html").is_file():
        print("the web app is not built: run ./scripts/build-web", file=sys.stderr)
        return 2
    timeline = load_timeline_bench()
    root = None if args.data_dir else Path(tempfile.mkdtemp(prefix="albumen-webbench-", dir="/tmp"))
    data_dir = args.data_dir.resolve() if args.data_dir else root / "data"  # type: ignore[operator]
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.parent.chmod(0o755)
    server = timeline.Server(data_dir, timeline.free_port())
    try:
        server.start()
        client = timeline.Client(server.port)
        owner_id = timeline.sign_in(client)
        existing = int(server.psql("SELECT count(*) FROM asset"))
        if existing == 0:
            seconds = timeline.seed(server, owner_id, args.assets)
            print(f"seeded {args.assets} assets in {seconds:.0f} s", flush=True)
        elif existing != args.assets:
            raise RuntimeError(f"{data_dir} already holds {existing} assets, not {args.assets}")
        token = client.headers["Authorization"].removeprefix("Bearer ")
        server_url = f"http://127.0.0.1:{server.port}"
        done = subprocess.run(
            ["node", str(ROOT / "bench" / "web.mjs"), server_url, token, str(args.runs)],
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"bench/web.mjs failed:\n{done.stdout}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        server.stop()
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)

    first_row = float(result["firstRowMedianMs"])
    heap = float(result["heapAfterScrollMb"])
    first_target = f"< {FIRST_ROW_TARGET_MS:.0f} ms"
    rows = [
        ("first row painted (median)", f"{first_row:.0f} ms", first_target, first_row < FIRST_ROW_TARGET_MS),
        ("first row painted (cold)", f"{result['firstRowColdMs']:.0f} ms", "", None),
        ("JS heap after ten years", f"{heap:.1f} MB", f"< {HEAP_TARGET_MB:.0f} MB", heap < HEAP_TARGET_MB),
        ("JS heap peak while scrolling", f"{result['heapPeakMb']:.1f} MB", "", None),
        ("JS heap after GC", f"{result['heapAfterGcMb']:.1f} MB", "", None),
    ]
    print(
        f"{args.assets} assets, {result['buckets']} months, scrolled {result['scrolledPx'] / 1e6:.1f} Mpx "
        f"in {result['scrollSeconds']:.0f} s ({result['loadedMonths']} months loaded on the way)"
    )
    within = True
    for name, value, target, ok in rows:
        verdict = "" if ok is None else ("ok" if ok else "MISS")
        within &= ok is not False
        print(f"{name:<30} {value:>10}  {target:<9} {verdict}")
    print("within targets" if within else "OVER TARGET")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
