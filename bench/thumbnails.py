"""How fast Albumen turns a photo into its thumbnail, preview and thumbhash, against vipsthumbnail.

    python bench/thumbnails.py [--count 30] [--megapixels 12] [--corpus DIR] [--formats]

Builds a corpus with shared/tools/make-corpus.py (unless --corpus names one), then for every
photo, in the same run and interleaved so machine load hits all alike, times:
  albumen       generate_thumbnails(): one decode, 250 px WebP + 1440 px JPEG (q80) + thumbhash
  vipsthumbnail two vipsthumbnail runs writing the same two files (shorter side 250 / 1440, q80)
  pyvips        (when pyvips is importable) the same outputs and thumbhash through libvips
and prints the median milliseconds per photo and the ratio to vipsthumbnail (target: <= 1.3).
--formats also times one decode + outputs per test-data format file (Pillow stack vs pyvips).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from albumen.media.thumbhash import rgba_to_thumbhash
from albumen.media.thumbnails import generate_thumbnails

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TARGET_RATIO = 1.3


def albumen(photo: Path, out: Path) -> None:
    generate_thumbnails(photo, None, None, thumbnail_path=out / "t.webp", preview_path=out / "p.jpg")


def vipsthumbnail(photo: Path, out: Path) -> None:
    with Image.open(photo) as image:
        landscape = image.width >= image.height
    for size, name in ((250, "t.webp"), (1440, "p.jpg")):
        # A huge bound on the longer side makes the shorter side the one that lands on `size`.
        geometry = f"100000x{size}" if landscape else f"{size}x100000"
        subprocess.run(
            ["vipsthumbnail", str(photo), "-s", f"{geometry}>", "-o", f"{out / name}[Q=80]"],
            check=True,
        )


def make_pyvips() -> Callable[[Path, Path], None] | None:
    try:
        import pyvips
    except (ImportError, OSError):
        return None

    def run(photo: Path, out: Path) -> None:
        header = pyvips.Image.new_from_file(str(photo))
        short = min(header.width, header.height)
        scale = min(1.0, 1440 / short)
        preview = pyvips.Image.thumbnail(
            str(photo), round(header.width * scale) + 1, height=round(header.height * scale) + 1, size="down"
        ).copy_memory()  # decoded once, reused for both outputs
        preview.jpegsave(str(out / "p.jpg"), Q=80)
        thumb_scale = min(1.0, 250 / min(preview.width, preview.height))
        thumb = preview.resize(thumb_scale) if thumb_scale < 1 else preview
        thumb.webpsave(str(out / "t.webp"), Q=80)
        small = thumb.thumbnail_image(100, height=100)
        if not small.hasalpha():
            small = small.bandjoin(255)
        rgba_to_thumbhash(small.width, small.height, small.cast("uchar").write_to_memory())

    return run


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def corpus(args: argparse.Namespace, scratch: Path) -> list[Path]:
    if args.corpus:
        return sorted(Path(args.corpus).glob("*.jp*g"))
    target = scratch / "corpus"
    subprocess.run(
        [sys.executable, str(SHARED / "tools" / "make-corpus.py"), str(target), "--count", str(args.count),
         "--megapixels", str(args.megapixels)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return sorted(target.glob("*.jp*g"))


def bench_corpus(photos: list[Path], scratch: Path) -> None:
    pipelines: dict[str, Callable[[Path, Path], None]] = {"albumen": albumen, "vipsthumbnail": vipsthumbnail}
    pyvips_run = make_pyvips()
    if pyvips_run:
        pipelines["pyvips"] = pyvips_run
    samples: dict[str, list[float]] = {name: [] for name in pipelines}
    for run in pipelines.values():  # warm-up: imports, caches, first-call costs
        run(photos[0], scratch)
    for photo in photos:
        for name, run in pipelines.items():
            start = time.perf_counter()
            run(photo, scratch)
            samples[name].append(time.perf_counter() - start)
    reference = median_ms(samples["vipsthumbnail"])
    print(f"{len(photos)} photos, {photos[0].stat().st_size / 1e6:.1f} MB first file")
    print(f"{'pipeline':<14} {'median ms':>10} {'vs vipsthumbnail':>17}")
    for name, values in samples.items():
        print(f"{name:<14} {median_ms(values):>10.1f} {median_ms(values) / reference:>16.2f}x")
    ratio = median_ms(samples["albumen"]) / reference
    verdict = "OK" if ratio <= TARGET_RATIO else "SLOW"
    print(f"albumen / vipsthumbnail = {ratio:.2f} (target <= {TARGET_RATIO}): {verdict}")


def bench_formats(scratch: Path) -> None:
    files = sorted(
        p for p in (SHARED / "testdata" / "immich-test-assets" / "formats").rglob("*") if p.is_file()
    )
    pyvips_run = make_pyvips()
    print(f"\n{'format file':<32} {'albumen ms':>11} {'pyvips ms':>10}")
    for path in files:
        timings = []
        for run in (albumen, pyvips_run):
            if run is None:
                timings.append("n/a")
                continue
            try:
                start = time.perf_counter()
                run(path, scratch)
                timings.append(f"{(time.perf_counter() - start) * 1000:.0f}")
            except Exception as error:  # a bench reports failures instead of stopping
                timings.append(f"FAIL ({type(error).__name__})")
        print(f"{path.name:<32} {timings[0]:>11} {timings[1]:>10}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--megapixels", type=float, default=12)
    parser.add_argument("--corpus", help="an existing folder of JPEGs instead of a fresh corpus")
    parser.add_argument("--formats", action="store_true", help="also time each test-data format")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        bench_corpus(corpus(args, scratch), scratch)
        if args.formats:
            bench_formats(scratch)


if __name__ == "__main__":
    main()
