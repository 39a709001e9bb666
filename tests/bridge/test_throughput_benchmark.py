"""The hot-path benchmark (benchmarks/bridge_throughput.py) runs in a small configuration and
reports every figure it promises in its JSON report: per number of senders the no-op,
not-stored and durable rates, the durable/no-op ratio with p50/p99, and why the Odoo phase
was skipped. Figures are reported, never asserted against targets: timing is the
machine's."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import BRIDGE_SRC
from procstat import peak_rss_mb

BENCHMARK = BRIDGE_SRC.parent / "benchmarks" / "bridge_throughput.py"


def test_short_run_reports_both_ratios_side_by_side(tmp_path):
    report_path = tmp_path / "report.json"
    command = [sys.executable, str(BENCHMARK), "--short", "--clients", "2,8", "--events", "40"]
    command += ["--inbox-rows", "200", "--serve-seconds", "0.5", "--odoo-events", "0"]
    command += ["--drain-events", "400", "--drain-shipments", "40"]
    command += ["--report-json", str(report_path)]
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(report_path.read_text())
    assert set(report["senders"]) == {"2", "8"}
    for row in report["senders"].values():
        # Every callback of the phase answered 2xx (40 events over a 30 s cap).
        for rate in ("noop_per_second", "not_stored_per_second", "durable_per_second"):
            assert row[rate] > 0
        ratio = row["durable_per_second"] / row["noop_per_second"]
        assert abs(row["durable_over_noop"] - ratio) < 0.01
        assert len(row["durable_over_noop_rounds"]) == 1
        assert 0 < row["durable_p50_ms"] <= row["durable_p99_ms"]
        assert row["odoo"] is None and row["bridge_over_odoo"] is None
    assert report["odoo_skipped"] == "skipped (--odoo-events 0)"
    assert report["peak_rss_status_mb"] > 0
    assert report["peak_rss_serve_mb"] > 0
    # The backlog of 10 events per shipment drained whole, in rounds of one event each.
    assert report["drain_per_second"]["sqlite"] > 0
    assert "400 of 400 over 40 shipments" in run.stdout
    # The printed table says the same.
    assert "side by side" in run.stdout


def test_peak_rss_is_the_commands_own_not_the_benchmarks():
    """A benchmark that itself held more memory than the command it measures (requests
    prepared, a backlog filled) still reports the command's own peak."""
    ballast = b"x" * (256 * 2**20)
    try:
        idle = peak_rss_mb([sys.executable, "-c", "pass"], dict(os.environ))
        holding = peak_rss_mb(
            [sys.executable, "-c", "held = b'x' * (128 * 2**20)"], dict(os.environ)
        )
    finally:
        del ballast
    assert idle < 64
    assert 128 <= holding < 256
