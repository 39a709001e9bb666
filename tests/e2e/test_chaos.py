"""The chaos command in a short configuration: every fault at once, nothing lost or doubled.

Runs ``benchmarks/chaos.py`` as a user would (its own database, processes and ports)
with a 20 s Odoo outage, four orders and the bridge killed every few seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from logistics_demo.odoo_instance import OdooUnavailable, odoo_version

try:
    odoo_version()
except OdooUnavailable as exc:
    pytest.skip(f"Odoo 18 is not importable: {exc}", allow_module_level=True)

CHAOS = Path(__file__).resolve().parents[2] / "benchmarks" / "chaos.py"
ORDERS = 4


def test_short_chaos_run_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    report_path = tmp_path / "chaos.json"
    run = subprocess.run(
        [
            sys.executable,
            str(CHAOS),
            f"--database=lgx_chaos_{uuid.uuid4().hex[:8]}",
            f"--orders={ORDERS}",
            "--order-interval=2",
            "--pace=0.5",
            "--odoo-outage-seconds=20",
            "--bridge-kill-every",
            "5",
            "10",
            "--drain-timeout=240",
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
    assert report["settled"], run.stdout
    assert report["lost"] == [] and report["doubled"] == [], run.stdout
    assert report["events_produced"] == report["events_applied"] == report["events_accepted"]
    assert report["states_equal_in_order"] == report["shipments"] == ORDERS
    assert report["exported_once"] == ORDERS
    assert report["export_failures_with_activity"] == report["export_failures"]
    # The faults did happen.
    assert report["bridge_kills"] >= 1
    assert report["events_accepted_during_outage"] > 0
    assert report["callbacks_acknowledged"]["200 duplicate"] >= 2 * report["events_produced"]
    assert sum(report["order_calls"].values()) > report["order_calls"]["answered"]
