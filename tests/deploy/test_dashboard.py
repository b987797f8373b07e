"""deploy/grafana/albumen-dashboard.json: an importable Grafana dashboard over Albumen's metrics.

Every panel query must parse as PromQL (Grafana's ``$__rate_interval`` read as a duration) and
select only metrics Albumen exports, so a renamed metric breaks this test, not the dashboard.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.deploy.support import DEPLOY, HISTOGRAMS, METRIC_NAMES, metric_names

DASHBOARD = DEPLOY / "grafana" / "albumen-dashboard.json"


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def panels(items: list[dict[str, Any]] | None = None) -> Iterator[dict[str, Any]]:
    for panel in dashboard()["panels"] if items is None else items:
        yield panel
        yield from panels(panel.get("panels", []))


def queries() -> list[tuple[str, str]]:
    return [(panel["title"], target["expr"]) for panel in panels() for target in panel.get("targets", [])]


def as_promql(expr: str) -> str:
    return expr.replace("$__rate_interval", "5m")


def test_is_an_importable_dashboard() -> None:
    board = dashboard()
    assert board["uid"] and board["title"] == "Albumen"
    assert isinstance(board["schemaVersion"], int)
    variables = {variable["name"]: variable for variable in board["templating"]["list"]}
    assert (
        variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    )
    ids = [panel["id"] for panel in panels()]
    assert len(ids) == len(set(ids)), "panel ids must be unique"


def test_panels_fit_the_grid_without_overlap() -> None:
    occupied: set[tuple[int, int]] = set()
    for panel in panels():
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        cells = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & occupied, f"{panel['title']} overlaps another panel"
        occupied |= cells


def test_every_query_uses_the_chosen_data_source() -> None:
    for panel in panels():
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
        assert panel["targets"], f"{panel['title']} shows nothing"


@pytest.mark.parametrize(("title", "expr"), queries(), ids=[title for title, _ in queries()])
def test_queries_parse_and_use_only_albumens_metrics(title: str, expr: str) -> None:
    used = metric_names(as_promql(expr))
    assert used, f"{title}: selects no series"
    assert used <= METRIC_NAMES, f"{title}: unknown metrics {used - METRIC_NAMES}"
    assert "$job" in expr, f"{title}: ignores the job selector"


def test_every_metric_appears_on_the_dashboard() -> None:
    shown = set().union(*(metric_names(as_promql(expr)) for _, expr in queries()))
    expected = (
        METRIC_NAMES - {f"{name}_{suffix}" for name in HISTOGRAMS for suffix in ("sum", "count")} - HISTOGRAMS
    )
    assert expected - shown == set(), "metrics without a panel"


def test_the_panels_operators_asked_for() -> None:
    titles = {panel["title"] for panel in panels()}
    for wanted in (
        "Requests by route",
        "Latency p95 by route",
        "Jobs completed by queue",
        "Jobs failed by queue",
        "Waiting jobs by queue",
        "Uploads",
        "ML latency p95 by task",
        "Machine learning",
        "Database pool connections",
        "Storage",
        "Assets by type",
        "Last backup",
    ):
        assert wanted in titles
