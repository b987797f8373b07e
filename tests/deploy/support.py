"""Paths and tool look-ups shared by the deployment tests."""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
QUADLETS = DEPLOY / "quadlet"
CHART = DEPLOY / "helm" / "albumen"

#: The metrics Albumen exports (docs/monitoring.md); histograms also expose _bucket/_sum/_count.
COUNTERS_AND_GAUGES = {
    "albumen_http_requests_total",
    "albumen_jobs_total",
    "albumen_queue_jobs",
    "albumen_queue_oldest_waiting_seconds",
    "albumen_uploads_total",
    "albumen_upload_bytes_total",
    "albumen_ml_requests_total",
    "albumen_ml_available",
    "albumen_db_pool_connections",
    "albumen_db_up",
    "albumen_storage_bytes",
    "albumen_assets",
    "albumen_backup_last_success_timestamp_seconds",
}
HISTOGRAMS = {
    "albumen_http_request_duration_seconds",
    "albumen_job_duration_seconds",
    "albumen_ml_request_duration_seconds",
}
METRIC_NAMES = (
    COUNTERS_AND_GAUGES
    | HISTOGRAMS
    | {f"{name}_{suffix}" for name in HISTOGRAMS for suffix in ("bucket", "sum", "count")}
)


def _missing(what: str, how: str) -> None:
    # CI installs every tool (scripts/setup); there a missing one is a broken setup, not a skip.
    message = f"{what} is not installed ({how})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def need_module(name: str, package: str) -> ModuleType:
    """Import a test tool's module; skip when absent on a developer's machine, fail in CI."""
    try:
        return importlib.import_module(name)
    except ImportError:
        _missing(package, f"pip install {package}")
        raise  # unreachable: _missing skips or fails


def need_program(name: str, how: str) -> str:
    """Path of a program; skip when absent on a developer's machine, fail in CI."""
    path = shutil.which(name)
    if path is None:
        _missing(name, how)
        raise AssertionError  # unreachable: _missing skips or fails
    return path


def metric_names(expr: str) -> set[str]:
    """Names of every series a PromQL expression selects, read from its parsed syntax tree."""
    promql = need_module("promql_parser", "promql-parser")
    names: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, promql.VectorSelector) and node.name:
            names.add(node.name)

    promql.walk(promql.parse(expr), visit)
    return names
