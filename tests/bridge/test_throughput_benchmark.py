"""The hot-path benchmark (benchmarks/bridge_throughput.py) runs in a small configuration and
prints every figure it promises: both ratios per number of senders, side by side, and a clear
line for the Odoo phase it skips. Figures are printed, never asserted: timing is the
machine's."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import BRIDGE_SRC

pytest.importorskip("uvicorn", reason="the benchmark's event-loop phases need uvicorn")
pytest.importorskip("httptools", reason="the benchmark's event-loop phases need httptools")

BENCHMARK = BRIDGE_SRC.parent / "benchmarks" / "bridge_throughput.py"


def test_short_run_prints_both_ratios_side_by_side(tmp_path):
    command = [sys.executable, str(BENCHMARK), "--short", "--clients", "2,8", "--events", "40"]
    command += ["--inbox-rows", "200", "--serve-seconds", "0.5", "--odoo-events", "0"]
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    side_by_side = run.stdout.split("side by side", 1)[1]
    for senders in (2, 8):
        assert re.search(rf"^\s+{senders} \|(\s+[\d.]+ \|){{3}}", side_by_side, re.MULTILINE)
        assert f"-- {senders} senders" in run.stdout
    assert "Odoo webhook route: skipped (--odoo-events 0)" in side_by_side
    assert "peak RSS `serve`" in run.stdout
