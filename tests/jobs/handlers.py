"""Module-level job functions for the worker tests: the process pool pickles them by name."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def spin(data: dict[str, Any]) -> int:
    """Burn CPU for ``data["seconds"]`` holding the GIL of whichever process runs it; write its pid."""
    deadline = time.perf_counter() + float(data["seconds"])
    total = 0
    while time.perf_counter() < deadline:
        total += sum(range(1000))
    Path(data["pid_file"]).write_text(str(os.getpid()))
    return os.getpid()


def die_once(data: dict[str, Any]) -> None:
    """Kill the pool process the first time (like a decoder segfault), succeed the next."""
    marker = Path(data["marker"])
    if not marker.exists():
        marker.write_text("died")
        os._exit(1)
    Path(data["done"]).write_text("ok")
