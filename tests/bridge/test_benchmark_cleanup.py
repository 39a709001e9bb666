"""A benchmark leaves nothing behind: its work directory is removed and the processes it
started are stopped when it ends, fails or is stopped with SIGTERM (``timeout``, ``kill``)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from conftest import BRIDGE_SRC
from logistics_bridge.server import LISTENING_LINE

BENCHMARKS = BRIDGE_SRC.parent / "benchmarks"


def _start(tmp_path, script: str, *options: str) -> subprocess.Popen[str]:
    """A benchmark started in a process group of its own (the servers it starts included),
    its temporary files under ``tmp_path``."""
    return subprocess.Popen(
        [sys.executable, str(BENCHMARKS / script), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, TMPDIR=str(tmp_path), PYTHONUNBUFFERED="1"),
        start_new_session=True,
    )


def _flood(tmp_path, probes: int) -> subprocess.Popen[str]:
    options = ["--idle", "4", "--half-sent", "2", "--max-connections", "64"]
    return _start(tmp_path, "connection_flood.py", *options, "--probes", str(probes))


def _read_until(benchmark: subprocess.Popen[str], start: str) -> None:
    assert benchmark.stdout is not None
    for line in benchmark.stdout:
        if line.startswith(start):
            return
    raise AssertionError(f"the benchmark ended before printing {start!r}")


def _group_left(group: int) -> bool:
    """Whether a process of ``group`` is still running; kills what is left."""
    try:
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


def _terminated_leaves_nothing(
    benchmark: subprocess.Popen[str], tmp_path, busy: Callable[[], None]
) -> None:
    """Once ``busy`` returns (the benchmark is in the middle of its work), SIGTERM stops the
    benchmark and nothing of it is left: no process of its group, no file under
    ``tmp_path``."""
    try:
        busy()
        benchmark.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            benchmark.communicate(timeout=60)
    finally:
        left = _group_left(benchmark.pid)
    assert benchmark.returncode is not None
    assert not left
    assert not list(tmp_path.iterdir())


def test_a_finished_benchmark_removes_its_work_directory(tmp_path):
    flood = _flood(tmp_path, probes=1)
    try:
        output, _ = flood.communicate(timeout=120)
    finally:
        left = _group_left(flood.pid)
    assert flood.returncode == 0, output
    assert "signed POST 1" in output
    assert not left
    assert not list(tmp_path.iterdir())


def test_a_terminated_benchmark_stops_its_bridge_and_removes_its_work_directory(tmp_path):
    flood = _flood(tmp_path, probes=100_000)
    # The bridge serves, its inbox is in the work directory: stopped in the middle.
    _terminated_leaves_nothing(flood, tmp_path, lambda: _read_until(flood, "signed POST 1:"))


def test_a_throughput_run_terminated_while_serve_forwards_stops_serve(tmp_path):
    options = ["--short", "--clients", "2", "--events", "40", "--inbox-rows", "200"]
    options += ["--serve-seconds", "600", "--odoo-events", "0"]
    options += ["--drain-events", "400", "--drain-shipments", "40"]
    bench = _start(tmp_path, "bridge_throughput.py", *options)

    def serving() -> None:
        _read_until(bench, "peak RSS `status`")
        deadline = time.monotonic() + 60
        while not any(
            LISTENING_LINE.search(log.read_text(errors="replace"))
            for log in tmp_path.glob("*/serve-rss.log")
        ):
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)

    _terminated_leaves_nothing(bench, tmp_path, serving)
