"""Prometheus metrics: what the API, the job workers, uploads and the ML client count.

Exported on their own port when ``IMMICH_TELEMETRY_INCLUDE`` switches them on (see
:mod:`albumen.metrics.exporter` and docs/monitoring.md). Each metric belongs to one of Immich's
telemetry groups (``api``, ``host``, ``io``, ``job``, ``repo``), one registry per group, so
``IMMICH_TELEMETRY_INCLUDE=api,job`` exports just those. Counting is always on: it costs a few
nanoseconds and keeps the hooks free of settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from albumen.config import TELEMETRY_GROUPS
from albumen.jobs.metrics import JobOutcome

REGISTRIES: dict[str, CollectorRegistry] = {group: CollectorRegistry() for group in TELEMETRY_GROUPS}

#: Seconds; from a cached JSON answer to a large original streamed out.
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
#: Seconds; from a thumbnail to an hour-long video transcode or a large backup.
JOB_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
ML_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# -- api ------------------------------------------------------------------------------------------
HTTP_REQUESTS = Counter(
    "albumen_http_requests_total",
    "HTTP requests answered, by route template and status code",
    ["method", "route", "status"],
    registry=REGISTRIES["api"],
)
HTTP_DURATION = Histogram(
    "albumen_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template",
    ["method", "route"],
    buckets=HTTP_BUCKETS,
    registry=REGISTRIES["api"],
)

# -- job ------------------------------------------------------------------------------------------
JOBS = Counter(
    "albumen_jobs_total",
    "Background jobs finished (failed: on their last attempt)",
    ["queue", "job", "status"],
    registry=REGISTRIES["job"],
)
JOB_DURATION = Histogram(
    "albumen_job_duration_seconds",
    "Time one job attempt ran",
    ["queue", "job"],
    buckets=JOB_BUCKETS,
    registry=REGISTRIES["job"],
)
QUEUE_JOBS = Gauge(
    "albumen_queue_jobs", "Jobs per queue and state", ["queue", "state"], registry=REGISTRIES["job"]
)
QUEUE_OLDEST_WAITING = Gauge(
    "albumen_queue_oldest_waiting_seconds",
    "How long the oldest due job of a queue has waited (0 when none waits)",
    ["queue"],
    registry=REGISTRIES["job"],
)

# -- io -------------------------------------------------------------------------------------------
UPLOADS = Counter("albumen_uploads_total", "Files uploaded as new assets", registry=REGISTRIES["io"])
UPLOAD_BYTES = Counter("albumen_upload_bytes_total", "Bytes of files uploaded", registry=REGISTRIES["io"])
ML_REQUESTS = Counter(
    "albumen_ml_requests_total",
    "Calls to the machine-learning service by task and outcome",
    ["task", "status"],
    registry=REGISTRIES["io"],
)
ML_DURATION = Histogram(
    "albumen_ml_request_duration_seconds",
    "Machine-learning call latency",
    ["task"],
    buckets=ML_BUCKETS,
    registry=REGISTRIES["io"],
)

# -- repo -----------------------------------------------------------------------------------------
DB_POOL = Gauge(
    "albumen_db_pool_connections",
    "Database connection pool: checked out, idle, beyond the pool size",
    ["state"],
    registry=REGISTRIES["repo"],
)
DB_UP = Gauge("albumen_db_up", "1 when the database answers", registry=REGISTRIES["repo"])
ASSETS = Gauge(
    "albumen_assets", "Assets in the library (trash excluded)", ["type"], registry=REGISTRIES["repo"]
)

# -- host -----------------------------------------------------------------------------------------
STORAGE = Gauge(
    "albumen_storage_bytes",
    "The media location's file system: used, free (for Albumen) and total bytes",
    ["kind"],
    registry=REGISTRIES["host"],
)
for _collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    REGISTRIES["host"].register(_collector)


class _OptionalGauge(Collector):
    """A gauge that is absent until first set, so ``absent()`` alerts can tell "never" from "0"."""

    def __init__(self, name: str, documentation: str) -> None:
        self.name = name
        self.documentation = documentation
        self.value: float | None = None

    def set(self, value: float) -> None:
        self.value = value

    def collect(self) -> Iterator[Metric]:
        if self.value is not None:
            yield GaugeMetricFamily(self.name, self.documentation, value=self.value)

    def describe(self) -> Iterable[Metric]:
        return []


ML_AVAILABLE = _OptionalGauge(
    "albumen_ml_available", "1 when the machine-learning service answered its last check"
)
BACKUP_LAST_SUCCESS = _OptionalGauge(
    "albumen_backup_last_success_timestamp_seconds", "Unix time of the last successful database backup"
)
REGISTRIES["io"].register(ML_AVAILABLE)
REGISTRIES["job"].register(BACKUP_LAST_SUCCESS)


# -- hooks the rest of Albumen calls --------------------------------------------------------------


def record_http_request(method: str, route: str, status: int, duration_seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_DURATION.labels(method, route).observe(duration_seconds)


def record_upload(size_bytes: int) -> None:
    """One file stored as a new asset (duplicates are not counted)."""
    UPLOADS.inc()
    UPLOAD_BYTES.inc(size_bytes)


def record_ml_request(task: str, status: str, duration_seconds: float) -> None:
    """One call to the ML service; ``status`` is ``ok`` or ``error`` (or an HTTP status code)."""
    ML_REQUESTS.labels(task, status).inc()
    ML_DURATION.labels(task).observe(duration_seconds)


def set_ml_available(available: bool) -> None:
    ML_AVAILABLE.set(1.0 if available else 0.0)


class PrometheusJobMetrics:
    """The worker's :class:`albumen.jobs.JobMetrics` hook: pass ``metrics=[PrometheusJobMetrics()]``.

    An attempt that will be retried counts only in the duration histogram: ``failed`` means the job
    gave up, which is what the "failed jobs rising" alert is about.
    """

    def job_finished(self, outcome: JobOutcome) -> None:
        JOB_DURATION.labels(outcome.queue.value, outcome.name.value).observe(outcome.duration_seconds)
        if outcome.status != "retrying":
            JOBS.labels(outcome.queue.value, outcome.name.value, outcome.status).inc()


__all__ = [
    "REGISTRIES",
    "PrometheusJobMetrics",
    "record_http_request",
    "record_ml_request",
    "record_upload",
    "set_ml_available",
]
