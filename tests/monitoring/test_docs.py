"""The Prometheus alert rules and the Grafana dashboard in docs/monitoring/ are usable.

Rules: ``promtool check rules`` where the Debian ``prometheus`` package installed it
(skipped, with the reason, otherwise), and always a structural parse. Both files:
every metric they query is exposed by Odoo (``logistics_monitoring/metrics.py``) or
by the bridge (``logistics_bridge/metrics.py``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from logistics_bridge.metrics import BridgeMetrics
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "docs" / "monitoring" / "logistics-alerts.yml"
DASHBOARD = ROOT / "docs" / "monitoring" / "grafana-dashboard.json"
ODOO_METRICS = ROOT / "addons" / "logistics_monitoring" / "metrics.py"
METRIC_NAME = re.compile(r"\blogistics_[a-z0-9_]+\b")
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "gauge": ("",),
}


def _odoo_metrics_module():
    # The addon's module imports prometheus_client only, so it loads without Odoo.
    spec = importlib.util.spec_from_file_location("logistics_monitoring_metrics", ODOO_METRICS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _series_names(exposition: str) -> set[str]:
    names = set()
    for family in text_string_to_metric_families(exposition):
        names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ("",)))
        names.update(sample.name for sample in family.samples)
    return names


def _odoo_exposition() -> str:
    metrics = _odoo_metrics_module()
    figures = metrics.MetricFigures(
        exchanges=[("tms", "outbound", "processed", 3)],
        durations=[("tms", [1] * len(metrics.DURATION_BUCKETS), 1, 0.04)],
        jobs=[("root.logistics.tms", "pending", 2)],
        reviews=[("tms", 1, 60.0)],
        breaches=[("TMS orders", "failure_rate", 1)],
        business=[("late", 4)],
        bridges=[("bridge-1:8480", 12.0, 5)],
    )
    return metrics.render(figures).decode()


def _bridge_exposition() -> str:
    return BridgeMetrics(lambda: {"pending": 1, "failed": 0}, lambda: 42.0).render().decode()


@pytest.fixture(scope="module")
def exposed() -> set[str]:
    return _series_names(_odoo_exposition()) | _series_names(_bridge_exposition())


def _rule_expressions() -> list[str]:
    document = yaml.safe_load(RULES.read_text())
    return [rule["expr"] for group in document["groups"] for rule in group["rules"]]


def _dashboard_expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def test_odoo_exposition_declares_every_published_family() -> None:
    metrics = _odoo_metrics_module()
    declared = {family.name for family in text_string_to_metric_families(_odoo_exposition())}
    assert declared == set(metrics.FAMILIES)


def test_rules_parse_and_are_complete() -> None:
    document = yaml.safe_load(RULES.read_text())
    rules = [rule for group in document["groups"] for rule in group["rules"]]
    assert rules
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)), "alert names must be unique"
    for rule in rules:
        assert rule["expr"].strip(), rule["alert"]
        assert rule["labels"]["severity"] in ("critical", "warning", "info"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert rule["annotations"]["description"], rule["alert"]


@pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool not installed (apt-get install prometheus): only the parse check ran",
)
def test_rules_pass_promtool() -> None:
    result = subprocess.run(
        ["promtool", "check", "rules", str(RULES)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dashboard_is_a_grafana_dashboard() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] and dashboard["title"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    assert _dashboard_expressions()


@pytest.mark.parametrize("source", ["rules", "dashboard"])
def test_every_queried_metric_is_exposed(source: str, exposed: set[str]) -> None:
    expressions = _rule_expressions() if source == "rules" else _dashboard_expressions()
    queried = {name for expr in expressions for name in METRIC_NAME.findall(expr)}
    assert queried
    assert queried - exposed == set()
