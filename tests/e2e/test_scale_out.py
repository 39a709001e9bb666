"""The scale-out benchmark in its short configuration: bridges sharing one PostgreSQL
inbox behind a round-robin balancer, one killed mid-run, nothing lost or doubled.

Runs ``benchmarks/scale_out.py --short`` as a user would: 20 shipments of 5 callbacks
through one bridge, then 20 more through two, one of them SIGKILLed after 2 s.
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

SCALE_OUT = Path(__file__).resolve().parents[2] / "benchmarks" / "scale_out.py"


def test_short_scale_out_with_a_killed_bridge_loses_nothing(tmp_path: Path) -> None:
    report_path = tmp_path / "scale.json"
    run = subprocess.run(
        [
            sys.executable,
            str(SCALE_OUT),
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
    single, several = report["phases"]
    assert (single["bridges"], single["killed"]) == (1, 0)
    assert (several["bridges"], several["killed"]) == (2, 1)
    for phase in (single, several):
        assert phase["callbacks"] == phase["stored"] == 20 * 5, run.stdout
        assert phase["lost"] == [] and phase["doubled"] == [], run.stdout
        assert phase["out_of_order"] == [] and phase["not_final"] == [], run.stdout
        assert phase["refused"] == []
        assert phase["seconds"] > 0
