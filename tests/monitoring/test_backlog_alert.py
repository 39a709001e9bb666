"""``LogisticsBridgeBacklogOld`` read against what a bridge exposes: it holds while
callbacks wait longer than its threshold, and not once the inbox is empty."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from logistics_bridge.metrics import BridgeMetrics
from prometheus_client.parser import text_string_to_metric_families

RULES = Path(__file__).resolve().parents[2] / "docs" / "monitoring" / "logistics-alerts.yml"
THRESHOLD_RULE = re.compile(r"^\s*(\w+)\s*>\s*([0-9.]+)\s*$")


def _rule() -> tuple[str, float, str]:
    rules = yaml.safe_load(RULES.read_text())
    [rule] = [
        rule
        for group in rules["groups"]
        for rule in group["rules"]
        if rule.get("alert") == "LogisticsBridgeBacklogOld"
    ]
    metric, threshold = THRESHOLD_RULE.match(rule["expr"]).groups()
    return metric, float(threshold), rule["for"]


def _holds(oldest_pending_age: float | None) -> bool:
    metric, threshold, _for = _rule()
    exposition = BridgeMetrics(lambda: {"pending": 5}, lambda: oldest_pending_age).render()
    [value] = [
        sample.value
        for family in text_string_to_metric_families(exposition.decode())
        for sample in family.samples
        if sample.name == metric
    ]
    return value > threshold


def test_backlog_alert_holds_while_callbacks_wait_for_odoo() -> None:
    assert _rule()[1:] == (120.0, "1m")
    assert _holds(300.0)
    assert not _holds(30.0)
    assert not _holds(None)  # nothing pending: the gauge is 0 and the alert resolves
