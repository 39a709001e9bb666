"""The hostile corpus (benchmarks/hostile_corpus.py) finds nothing wrong: no 5xx, no
answer missing or not JSON, no invalid row stored, no forged log line. How long requests
take is the script's figure to read (run it directly), not judged here."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import BRIDGE_SRC

CORPUS = BRIDGE_SRC.parent / "benchmarks" / "hostile_corpus.py"


def test_hostile_corpus_finds_nothing_wrong():
    env = dict(os.environ, PYTHONPATH=str(BRIDGE_SRC))
    run = subprocess.run(
        [sys.executable, str(CORPUS), "--slow", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "5xx answers: 0; no answer: 0" in run.stdout
    assert ", 0 invalid; forged log lines: 0" in run.stdout
