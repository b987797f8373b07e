"""deploy/prometheus/alerts.yml: loaded by ``promtool check rules`` and exercised by
``promtool test rules`` (deploy/prometheus/alerts.test.yml feeds each alert the series that
must fire it and the series that must not). The structure and every expression are also
checked here with a PromQL parser, so a machine without promtool still catches a broken rule.
"""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
import yaml

from tests.deploy.support import DEPLOY, METRIC_NAMES, metric_names, need_module, need_program

RULES = DEPLOY / "prometheus" / "alerts.yml"
RULE_TESTS = DEPLOY / "prometheus" / "alerts.test.yml"


def rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def by_name() -> dict[str, dict[str, Any]]:
    return {rule["alert"]: rule for rule in rules()}


def promtool(*arguments: str) -> subprocess.CompletedProcess[str]:
    program = need_program("promtool", "apt-get install prometheus")
    return subprocess.run(
        [program, *arguments], capture_output=True, text=True, cwd=RULES.parent, check=False
    )


def test_promtool_loads_the_rules() -> None:
    result = promtool("check", "rules", RULES.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules())} rules found" in result.stdout


def test_promtool_unit_tests_fire_each_alert_exactly_when_they_should() -> None:
    result = promtool("test", "rules", RULE_TESTS.name)
    assert result.returncode == 0, result.stdout + result.stderr
    tested = {
        case["alertname"]
        for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]
        for case in test["alert_rule_test"]
    }
    assert tested == set(by_name()), "every alert has a unit test"


def test_groups_and_rules_are_well_formed() -> None:
    document = yaml.safe_load(RULES.read_text())
    assert set(document) == {"groups"}
    for group in document["groups"]:
        assert set(group) <= {"name", "interval", "rules"} and group["rules"]
    names = [rule["alert"] for rule in rules()]
    assert len(names) == len(set(names))
    for rule in rules():
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations", "keep_firing_for"}
        assert re.fullmatch(r"[A-Z][A-Za-z]+", rule["alert"])
        assert re.fullmatch(r"\d+[smhd]", rule["for"])
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert set(rule["annotations"]) == {"summary", "description"}
        for text in rule["annotations"].values():
            assert text.count("{{") == text.count("}}"), f"{rule['alert']}: unbalanced template"


@pytest.mark.parametrize("rule", rules(), ids=lambda rule: rule["alert"])
def test_expressions_parse_and_use_only_albumens_metrics(rule: dict[str, Any]) -> None:
    need_module("promql_parser", "promql-parser")
    used = metric_names(rule["expr"])
    assert used, "an alert that selects no series never fires"
    assert used <= METRIC_NAMES, f"unknown metrics {used - METRIC_NAMES}"


@pytest.mark.parametrize(
    ("alert", "metrics", "pieces", "duration"),
    [
        ("AlbumenDatabaseDown", {"albumen_db_up"}, ["== 0"], "2m"),
        (
            "AlbumenQueueStuck",
            {"albumen_queue_oldest_waiting_seconds", "albumen_queue_jobs"},
            ["> 600", 'state="active"', "== 0"],
            "10m",
        ),
        ("AlbumenMachineLearningUnavailable", {"albumen_ml_available"}, ["== 0"], "15m"),
        (
            "AlbumenStorageAlmostFull",
            {"albumen_storage_bytes"},
            ['kind="used"', 'kind="total"', "> 0.85"],
            "15m",
        ),
        ("AlbumenJobFailuresRising", {"albumen_jobs_total"}, ['status="failed"', "[30m]", "increase("], "5m"),
        (
            "AlbumenBackupTooOld",
            {"albumen_backup_last_success_timestamp_seconds"},
            ["time() -", "> 26 * 3600"],
            "10m",
        ),
    ],
)
def test_the_alerts_operators_asked_for(
    alert: str, metrics: set[str], pieces: list[str], duration: str
) -> None:
    rule = by_name()[alert]
    assert metric_names(rule["expr"]) == metrics
    for piece in pieces:
        assert piece in rule["expr"], f"{alert}: expected {piece!r} in {rule['expr']!r}"
    assert rule["for"] == duration
