"""The outage benchmark in its short configuration: Odoo stopped while callbacks keep
coming, then nothing lost, nothing doubled, every shipment's order kept.

Runs ``benchmarks/outage_under_load.py --short`` as a user would (its own database,
processes and ports): 20 shipments of 12 callbacks, a 10 s outage, the backlog-age
alert evaluated at 5 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from logistics_demo.odoo_instance import OdooUnavailable, odoo_version

try:
    odoo_version()
except OdooUnavailable as exc:
    pytest.skip(f"Odoo 18 is not importable: {exc}", allow_module_level=True)

OUTAGE = Path(__file__).resolve().parents[2] / "benchmarks" / "outage_under_load.py"


def test_short_outage_under_load_loses_nothing_and_keeps_order(tmp_path: Path) -> None:
    report_path = tmp_path / "outage.json"
    run = subprocess.run(
        [
            sys.executable,
            str(OUTAGE),
            "--short",
            f"--workdir={tmp_path / 'work'}",
            f"--report-json={report_path}",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert report_path.exists(), run.stdout + run.stderr
    report = json.loads(report_path.read_text())
    assert run.returncode == 0, run.stdout
    assert report["callbacks"] == 20 * 12
    assert report["stored"] == report["callbacks"], run.stdout
    assert report["lost"] == [] and report["doubled"] == [], run.stdout
    assert report["out_of_order"] == [] and report["not_final"] == [], run.stdout
    assert report["refused"] == []
    # The outage did happen under load, was visible and alerted on, and drained.
    assert report["accepted_during_outage"] > 0
    assert report["pending_when_odoo_returned"] > 0
    assert report["alert_fired"]
    assert report["bridge_max_backlog_age"] >= 5
    assert report["overview_backlog_age"] >= 5
    assert report["time_to_empty"] is not None and report["drain_rate"] > 0
