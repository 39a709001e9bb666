"""The hostile corpus (benchmarks/hostile_corpus.py) finds nothing wrong: no 5xx, no
answer missing or not JSON, no invalid row stored, no forged log line. How long requests
take is the script's figure to read (run it directly), not judged here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import BRIDGE_SRC

CORPUS = BRIDGE_SRC.parent / "benchmarks" / "hostile_corpus.py"


def test_hostile_corpus_finds_nothing_wrong(tmp_path):
    report = tmp_path / "report.json"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, PYTHONPATH=str(BRIDGE_SRC), TMPDIR=str(scratch))
    run = subprocess.run(
        [sys.executable, str(CORPUS), "--slow", "0", "--report-json", str(report)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    found = json.loads(report.read_text())
    assert found["requests"] > 0
    assert (found["server_errors"], found["no_answer"], found["wrong"]) == (0, 0, 0)
    assert (found["invalid_rows"], found["forged_log_lines"]) == (0, 0)
    assert found["rows_stored"] == found["events_accepted"]
    assert (found["serve_exit_code"], found["failed"]) == (0, False)
    assert not list(scratch.iterdir())  # the bridge's work directory went with it
