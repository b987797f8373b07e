"""Prometheus metrics move when photos are uploaded and processed, and are served on their own port."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.jobs import JobName, QueueName
from albumen.jobs.metrics import JobOutcome
from albumen.metrics import (
    REGISTRIES,
    PrometheusJobMetrics,
    record_ml_request,
    set_ml_available,
)
from albumen.metrics.exporter import exposition, metrics_server
from albumen.metrics.refresh import GaugeRefresher
from albumen.services import backups
from tests.conftest import TESTDATA, free_port
from tests.helpers import run_jobs, sign_up_admin, upload_asset

PHOTO = TESTDATA / "immich-test-assets" / "metadata" / "gps-position" / "thompson-springs.jpg"

DOCUMENTED_METRICS = (
    "albumen_http_requests_total",
    "albumen_http_request_duration_seconds",
    "albumen_jobs_total",
    "albumen_job_duration_seconds",
    "albumen_queue_jobs",
    "albumen_queue_oldest_waiting_seconds",
    "albumen_uploads_total",
    "albumen_upload_bytes_total",
    "albumen_ml_requests_total",
    "albumen_ml_request_duration_seconds",
    "albumen_ml_available",
    "albumen_db_pool_connections",
    "albumen_db_up",
    "albumen_storage_bytes",
    "albumen_assets",
    "albumen_backup_last_success_timestamp_seconds",
)


def sample(group: str, name: str, **labels: str) -> float:
    return REGISTRIES[group].get_sample_value(name, labels) or 0.0


async def test_requests_are_counted_by_route_template_not_raw_path(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    labels = {"method": "GET", "route": "/api/admin/users/{id}", "status": "200"}
    before = sample("api", "albumen_http_requests_total", **labels)
    latency_before = sample(
        "api", "albumen_http_request_duration_seconds_count", method="GET", route=labels["route"]
    )
    for _ in range(2):
        response = await client.get(f"/api/admin/users/{admin.user_id}", headers=admin.headers)
        assert response.status_code == 200
    assert sample("api", "albumen_http_requests_total", **labels) == before + 2
    assert (
        sample("api", "albumen_http_request_duration_seconds_count", method="GET", route=labels["route"])
        == latency_before + 2
    )
    assert (
        sample("api", "albumen_http_requests_total", method="GET", route=f"/api/admin/users/{admin.user_id}")
        == 0
    )


async def test_unknown_paths_share_one_label(client: httpx.AsyncClient) -> None:
    labels = {"method": "GET", "route": "unmatched", "status": "404"}
    before = sample("api", "albumen_http_requests_total", **labels)
    for _ in range(3):
        await client.get(f"/api/no-such-thing/{uuid.uuid4()}")
    assert sample("api", "albumen_http_requests_total", **labels) == before + 3


async def test_uploads_and_processing_move_the_metrics(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await sign_up_admin(client)
    uploads = sample("io", "albumen_uploads_total")
    uploaded_bytes = sample("io", "albumen_upload_bytes_total")
    metadata_jobs = {"queue": "metadataExtraction", "job": "AssetExtractMetadata"}
    completed = sample("job", "albumen_jobs_total", **metadata_jobs, status="completed")
    durations = sample("job", "albumen_job_duration_seconds_count", **metadata_jobs)

    response = await upload_asset(client, admin, PHOTO)
    assert response.status_code == 201
    duplicate = await upload_asset(client, admin, PHOTO)
    assert duplicate.status_code == 200

    assert sample("io", "albumen_uploads_total") == uploads + 1
    assert sample("io", "albumen_upload_bytes_total") == uploaded_bytes + PHOTO.stat().st_size

    refresher = GaugeRefresher(database, settings, cache_seconds=0)
    await refresher.refresh()
    assert sample("job", "albumen_queue_jobs", queue="metadataExtraction", state="waiting") == 1
    assert sample("job", "albumen_queue_oldest_waiting_seconds", queue="metadataExtraction") >= 0
    assert sample("repo", "albumen_assets", type="IMAGE") == 1
    assert sample("repo", "albumen_assets", type="VIDEO") == 0

    await run_jobs(database, settings)
    assert sample("job", "albumen_jobs_total", **metadata_jobs, status="completed") == completed + 1
    assert sample("job", "albumen_job_duration_seconds_count", **metadata_jobs) == durations + 1
    await refresher.refresh()
    assert sample("job", "albumen_queue_jobs", queue="metadataExtraction", state="waiting") == 0
    assert sample("job", "albumen_queue_oldest_waiting_seconds", queue="metadataExtraction") == 0


async def test_scrape_time_gauges(database: Database, settings: Settings) -> None:
    settings.media_root.mkdir(parents=True)
    await GaugeRefresher(database, settings, cache_seconds=0).refresh()
    assert sample("repo", "albumen_db_up") == 1
    assert sample("repo", "albumen_db_pool_connections", state="checked_out") == 0
    assert sample("repo", "albumen_db_pool_connections", state="idle") >= 1
    total = sample("host", "albumen_storage_bytes", kind="total")
    assert total > 0
    assert 0 < sample("host", "albumen_storage_bytes", kind="free") <= total
    assert sample("job", "albumen_queue_jobs", queue="backupDatabase", state="active") == 0


async def test_a_database_that_does_not_answer_reads_as_down(settings: Settings) -> None:
    settings.media_root.mkdir(parents=True)
    unreachable = Database.connect("postgresql+asyncpg://postgres@/nowhere?host=/nonexistent-socket-dir")
    await GaugeRefresher(unreachable, settings, cache_seconds=0).refresh()
    await unreachable.dispose()
    assert sample("repo", "albumen_db_up") == 0


async def test_a_backup_sets_the_last_success_time(database: Database, settings: Settings) -> None:
    await backups.create_backup(database, settings)
    first = sample("job", "albumen_backup_last_success_timestamp_seconds")
    assert first > 0
    # Another process (the worker) wrote it: the scrape reads it from the database.
    from albumen.metrics import BACKUP_LAST_SUCCESS

    BACKUP_LAST_SUCCESS.set(0)
    await GaugeRefresher(database, settings, cache_seconds=0).refresh()
    assert sample("job", "albumen_backup_last_success_timestamp_seconds") == first


def test_job_outcomes_count_only_final_results() -> None:
    hook = PrometheusJobMetrics()
    labels = {"queue": "thumbnailGeneration", "job": "AssetGenerateThumbnails"}
    failed = sample("job", "albumen_jobs_total", **labels, status="failed")
    attempts = sample("job", "albumen_job_duration_seconds_count", **labels)
    for status in ("retrying", "failed"):
        hook.job_finished(
            JobOutcome(JobName.ASSET_GENERATE_THUMBNAILS, QueueName.THUMBNAIL_GENERATION, status, 0.5, 1)  # type: ignore[arg-type]
        )
    assert sample("job", "albumen_jobs_total", **labels, status="failed") == failed + 1
    assert sample("job", "albumen_jobs_total", **labels, status="retrying") == 0
    assert sample("job", "albumen_job_duration_seconds_count", **labels) == attempts + 2


def test_machine_learning_hooks() -> None:
    before = sample("io", "albumen_ml_requests_total", task="clip", status="ok")
    record_ml_request("clip", "ok", 0.12)
    assert sample("io", "albumen_ml_requests_total", task="clip", status="ok") == before + 1
    set_ml_available(False)
    assert sample("io", "albumen_ml_available") == 0
    set_ml_available(True)
    assert sample("io", "albumen_ml_available") == 1


def test_telemetry_groups_choose_what_is_exported() -> None:
    only_api = exposition(["api"]).decode()
    assert "albumen_http_requests_total" in only_api
    assert "albumen_jobs_total" not in only_api and "albumen_db_up" not in only_api
    everything = exposition(["api", "host", "io", "job", "repo"]).decode()
    assert "process_cpu_seconds_total" in everything


async def test_metrics_are_served_on_their_own_port(database: Database, settings: Settings) -> None:
    settings.media_root.mkdir(parents=True)
    settings.host = "127.0.0.1"
    settings.telemetry_include = "all"
    set_ml_available(True)
    await backups.create_backup(database, settings)
    port = free_port()
    async with metrics_server(database, settings, port) as serving, httpx.AsyncClient() as http:
        assert serving
        response = await http.get(f"http://127.0.0.1:{port}/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        names = {line.split()[2] for line in response.text.splitlines() if line.startswith("# TYPE ")}
        missing = [name for name in DOCUMENTED_METRICS if not {name, name.removesuffix("_total")} & names]
        assert missing == []
        assert "albumen_db_up 1.0" in response.text
        assert (await http.get(f"http://127.0.0.1:{port}/other")).status_code == 404
    async with httpx.AsyncClient() as http:
        try:
            await http.get(f"http://127.0.0.1:{port}/metrics", timeout=1)
            still_open = True
        except httpx.HTTPError:
            still_open = False
    assert not still_open, "the metrics server stops with the block"


async def test_metrics_are_off_unless_telemetry_is_included(database: Database, settings: Settings) -> None:
    async with metrics_server(database, settings, free_port()) as serving:
        assert not serving


async def test_a_taken_metrics_port_leaves_the_server_running(database: Database, settings: Settings) -> None:
    import socket

    settings.host = "127.0.0.1"
    settings.telemetry_include = "all"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        async with metrics_server(database, settings, taken.getsockname()[1]) as serving:
            assert not serving


def test_photo_fixture_exists() -> None:
    assert Path(PHOTO).is_file()
