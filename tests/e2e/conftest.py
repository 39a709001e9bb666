"""Odoo and bridges as real processes, for the end-to-end tests that configure them
the way an administrator does.

``odoo_server`` is one Odoo (workers, HTTP) on a database of its own that the test modules
share, built with every addon and its demo data; LGX_ODOO_TEMPLATE names a database with
those addons already installed to copy instead (much faster; the demo stacks and benchmarks
these tests start copy it too). ``bridges`` starts bridges next to it (see
``logistics_demo.stack``) and stops them before Odoo. ``demo_stack`` builds the demo's stack
as ``logistics-demo`` does, ``shared_demo`` keeps one running for every module asking for
the same demo options; ``run_benchmark`` runs a script of ``benchmarks/`` as a user would
and returns its report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from logistics_demo.cli import Demo, demo_options
from logistics_demo.driver import DemoDriver
from logistics_demo.odoo_instance import (
    ADDONS_DIR,
    ODOO_TEMPLATE_VARIABLE,
    OdooInstance,
    OdooUnavailable,
    odoo_version,
)
from logistics_demo.processes import ManagedProcess, free_port
from logistics_demo.stack import BridgeFleet, OdooServer
from odoo_commands import drop_database

HERE = Path(__file__).resolve().parent
BENCHMARKS = HERE.parents[1] / "benchmarks"
# Time a benchmark stopped before its end has to stop its processes and drop its database.
BENCHMARK_STOP_SECONDS = 120
# Hands a teardown to the run's background thread (the ``in_background`` fixture).
InBackground = Callable[[Callable[[], object]], None]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here runs Odoo: without an importable Odoo 18 each is reported skipped."""
    try:
        odoo_version()
    except OdooUnavailable as exc:
        skip = pytest.mark.skip(reason=f"Odoo 18 is not importable: {exc}")
        for item in items:
            if HERE in item.path.parents:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def in_background() -> Iterator[InBackground]:
    """Runs a module's teardown (stopping its processes, dropping its database) in the
    background: an Odoo takes seconds to stop and PostgreSQL checkpoints for each DROP
    DATABASE, time the next module's start need not wait for. Every teardown handed over
    has finished (or its failure is raised) when the run ends."""
    tasks: list[Future[object]] = []
    with ThreadPoolExecutor(2) as pool:
        yield lambda teardown: tasks.append(pool.submit(teardown))
    for task in tasks:
        task.result()


@pytest.fixture(scope="session")
def shared_odoo_server(
    tmp_path_factory: pytest.TempPathFactory, in_background: InBackground
) -> Iterator[OdooServer]:
    workdir = tmp_path_factory.mktemp("odoo_server")
    instance = OdooInstance(workdir, f"lgx_server_{uuid.uuid4().hex[:8]}", free_port())
    instance.write_config("root:2")
    process = ManagedProcess("odoo", instance.server_command(), workdir / "odoo.log")
    try:
        template = os.environ.get(ODOO_TEMPLATE_VARIABLE)
        if template:
            instance.copy_database(template)
        else:
            modules = sorted(p.parent.name for p in ADDONS_DIR.glob("*/__manifest__.py"))
            instance.install(modules, workdir / "odoo-install.log")
        server = OdooServer(
            instance, process, DemoDriver(instance.url, instance.database, "admin", "admin")
        )
        server.start()
        # The URL Connect a bridge writes into the bridge's [odoo] table.
        server.admin.call("ir.config_parameter", "set_param", "web.base.url", instance.url)
        yield server
    finally:
        in_background(lambda: (process.stop(), instance.drop_database()))


@pytest.fixture(scope="module")
def odoo_server(shared_odoo_server: OdooServer) -> OdooServer:
    """The run's Odoo, running (a module before may have stopped it and failed before
    starting it again). Modules share it: each configures endpoints, users and shipments of
    its own and counts only those."""
    if not shared_odoo_server.process.running:
        shared_odoo_server.start()
    return shared_odoo_server


@pytest.fixture
def database(request: pytest.FixtureRequest, in_background: InBackground) -> Iterator[str]:
    """A fresh database name for the test, dropped after it."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    database = f"lgx_{name[:16]}_{uuid.uuid4().hex[:8]}"
    yield database
    in_background(lambda: drop_database(database))


@pytest.fixture(scope="module")
def bridges(odoo_server: OdooServer) -> Iterator[BridgeFleet]:
    fleet = BridgeFleet(odoo_server.instance.workdir)
    try:
        yield fleet
    finally:
        fleet.stop_all()


@contextmanager
def _demo(
    name: str,
    workdir: Path,
    options: Sequence[str],
    in_background: InBackground,
) -> Iterator[Demo]:
    """The demo's Odoo (configured as ``logistics-demo`` does) on a fresh database and free
    ports, with the given demo options; every process stopped and the database dropped on
    exit."""
    demo = Demo(
        demo_options(
            [
                f"--database=lgx_{name[:16]}_{uuid.uuid4().hex[:8]}",
                f"--odoo-port={free_port()}",
                f"--bridge-port={free_port()}",
                f"--tms-port={free_port()}",
                f"--workdir={workdir}",
                "--exit-when-done",
                *options,
            ]
        )
    )

    def stop_and_drop() -> None:
        demo.stop_all()
        if demo.odoo is not None:
            demo.odoo.drop_database()

    try:
        demo.prepare_odoo(odoo_version())
        yield demo
    finally:
        in_background(stop_and_drop)


@pytest.fixture(scope="module")
def demo_stack(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    in_background: InBackground,
) -> Callable[[Sequence[str]], AbstractContextManager[Demo]]:
    """Opens the demo's Odoo with the given demo options, for this module alone (its tests
    start, stop and break processes)."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    return lambda options: _demo(name, tmp_path_factory.mktemp(name), options, in_background)


@pytest.fixture(scope="session")
def shared_demo(
    tmp_path_factory: pytest.TempPathFactory, in_background: InBackground
) -> Iterator[Callable[[Sequence[str]], Demo]]:
    """The demo's whole stack running (Odoo with its job runner, the bridge, the simulated
    TMS), one per set of demo options, kept for the run: modules asking for the same options
    share it (one Odoo start and setup for all), each driving orders and records of its own
    and counting only those."""
    running: dict[tuple[str, ...], Demo] = {}
    with ExitStack() as stacks:

        def stack(options: Sequence[str]) -> Demo:
            key = tuple(options)
            if key not in running:
                demo = stacks.enter_context(
                    _demo("shared", tmp_path_factory.mktemp("shared"), options, in_background)
                )
                demo.start_stack()
                running[key] = demo
            return running[key]

        yield stack


@pytest.fixture
def run_benchmark(tmp_path: Path) -> Callable[..., tuple[dict[str, Any], str]]:
    """Runs ``benchmarks/<script>`` with its own workdir and a JSON report, as a user would;
    returns the report and what it printed, once it exited successfully."""

    def run(script: str, *options: str, timeout: float = 900) -> tuple[dict[str, Any], str]:
        report_path = tmp_path / f"{Path(script).stem}.json"
        command = [
            sys.executable,
            str(BENCHMARKS / script),
            *options,
            f"--workdir={tmp_path / 'work'}",
            f"--report-json={report_path}",
        ]
        # A session of its own: Ctrl-C on the run reaches the benchmark only as the SIGTERM
        # below, not a second time in the middle of its cleanup.
        with subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        ) as benchmark:
            try:
                stdout, stderr = benchmark.communicate(timeout=timeout)
            except BaseException:
                # Out of time or interrupted: on SIGTERM the benchmark stops its Odoo and
                # bridges and drops its database; killed at once, it would leave them all
                # running and the database behind.
                benchmark.terminate()
                try:
                    benchmark.communicate(timeout=BENCHMARK_STOP_SECONDS)
                finally:
                    benchmark.kill()
                raise
        assert report_path.exists(), stdout + stderr
        assert benchmark.returncode == 0, stdout
        return json.loads(report_path.read_text()), stdout

    return run
