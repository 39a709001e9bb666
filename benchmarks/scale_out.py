"""Scale-out: bridges sharing one PostgreSQL inbox behind a load balancer, one killed mid-run.

Starts Odoo with prefork workers (as the demo does), a PostgreSQL inbox of its own and
a small round-robin TCP load balancer written here (stdlib only; a connection that
cannot reach one bridge is tried on the next). Two phases, each on shipments of its
own: first one bridge behind the balancer, then ``--bridges`` bridges, one of which is
killed with SIGKILL ``--kill-after`` seconds into the phase (its leased events are
claimed by the others once the lease has passed). Senders sign and POST each shipment's
tracking callbacks in order through the balancer, as fast as ``--rate`` allows. After
each phase the script checks in Odoo that every callback is there exactly once and
that each shipment's milestones were recorded in the order sent.

Prints, per phase: callbacks, stored in Odoo, lost, doubled, out of order, and the
events/s from the first POST until the last event was in Odoo. Exits 0 when nothing
was lost, doubled or reordered.

    python3 benchmarks/scale_out.py [--bridges 3] [--shipments 1000]
        [--events-per-shipment 5] [--kill-after 10] [--short]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import logging
import socket
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from logistics_bridge.exceptions import OdooError
from logistics_demo.driver import DemoDriver
from logistics_demo.odoo_instance import OdooSetupFailed, odoo_version
from logistics_demo.processes import ManagedProcess, ProcessFailed

sys.path.insert(0, str(Path(__file__).resolve().parent))
from outage_under_load import (  # noqa: E402
    BACKLOG_ALERT,
    BridgeWatch,
    CallbackSenders,
    ThresholdRule,
    check_odoo,
    create_shipments,
    demo_for,
    finish,
    parser,
    prepare,
    publish,
    start_bridge,
    wait_drained,
)

_logger = logging.getLogger("scale_out")

# A killed bridge's claims wait for their lease to pass; a lease longer than Odoo's
# timeout keeps a slow call from being claimed and sent a second time meanwhile.
LEASE_SECONDS = 20
ODOO_TIMEOUT_SECONDS = 15


class RoundRobinBalancer:
    """TCP load balancer: each connection goes to the next backend that accepts it."""

    def __init__(self, backends: Sequence[tuple[str, int]] = ()) -> None:
        self.backends = list(backends)
        self._turn = itertools.count()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._closing = False
        threading.Thread(target=self._accept, name="balancer", daemon=True).start()

    def close(self) -> None:
        self._closing = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _connect_backend(self) -> socket.socket | None:
        backends = list(self.backends)
        first = next(self._turn)
        for offset in range(len(backends)):
            address = backends[(first + offset) % len(backends)]
            try:
                return socket.create_connection(address, timeout=2)
            except OSError:
                _logger.info("balancer: %s:%s refused the connection, next", *address)
        return None

    def _serve(self, client: socket.socket) -> None:
        backend = self._connect_backend()
        if backend is None:
            client.close()
            return
        backend.settimeout(None)
        threading.Thread(target=_pipe, args=(backend, client), daemon=True).start()
        _pipe(client, backend)


def _pipe(source: socket.socket, target: socket.socket) -> None:
    """Copy bytes until either side closes, then close both."""
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


@dataclass
class Phase:
    bridges: int
    killed: int = 0
    callbacks: int = 0
    stored: int = 0
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    out_of_order: list[str] = field(default_factory=list)
    not_final: list[str] = field(default_factory=list)
    not_processed: dict[str, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    sender_retries: int = 0
    seconds: float | None = None

    @property
    def events_per_second(self) -> float | None:
        return None if self.seconds is None else self.callbacks / self.seconds

    @property
    def passed(self) -> bool:
        return (
            self.seconds is not None
            and self.stored == self.callbacks
            and not (self.lost or self.doubled or self.out_of_order or self.not_final)
            and not self.refused
        )


@dataclass
class Report:
    phases: list[Phase] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.phases) and all(phase.passed for phase in self.phases)

    def table(self) -> str:
        lines = [
            "| bridges (killed) | callbacks | stored in Odoo | lost | doubled | out of order "
            "| sender retries | events/s |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for phase in self.phases:
            rate = phase.events_per_second
            lines.append(
                f"| {phase.bridges} ({phase.killed}) | {phase.callbacks} | {phase.stored} "
                f"| {len(phase.lost)} | {len(phase.doubled)} | {len(phase.out_of_order)} "
                f"| {phase.sender_retries} | {'not drained' if rate is None else f'{rate:.1f}'} |"
            )
            for problem in (phase.refused + phase.lost + phase.doubled + phase.out_of_order)[:10]:
                lines.append(f"  ! {problem}")
        return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    options = parser(__doc__.split("\n\n", 1)[0])
    options.set_defaults(rate=1000.0, shipments=1000, events_per_shipment=5, sender_threads=8)
    options.add_argument("--bridges", type=int, default=3, help="bridges of the second phase")
    options.add_argument(
        "--kill-after", type=float, default=10.0, help="seconds into the phase to SIGKILL one"
    )
    options.add_argument(
        "--short",
        action="store_true",
        help="20 shipments of 5 callbacks; 1, then 2 bridges, one killed after 2 s",
    )
    return options


SHORT = {"shipments": 20, "bridges": 2, "kill_after": 2.0, "rate": 20.0, "drain_timeout": 300.0}


class ScaleOutRun:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.demo = demo_for(args.database, workdir)
        self.inbox_database = f"{args.database}_inbox"
        self.balancer = RoundRobinBalancer()
        self.report = Report()

    def run(self) -> Report:
        args, demo = self.args, self.demo
        demo.prepare_odoo(odoo_version())
        demo.start_odoo()
        driver = demo.driver()
        self._inbox_database("CREATE")
        for size in (1, args.bridges):
            self.report.phases.append(self._phase(driver, size))
        return self.report

    def close(self) -> None:
        self.balancer.close()
        if not self.args.keep and self.demo.odoo is not None:
            self._inbox_database("DROP")

    def _inbox_database(self, verb: str) -> None:
        odoo = self.demo.odoo
        statement = (
            f'DROP DATABASE IF EXISTS "{self.inbox_database}" WITH (FORCE)'
            if verb == "DROP"
            else f'CREATE DATABASE "{self.inbox_database}"'
        )
        with psycopg.connect(
            host=odoo.pg_host,
            port=odoo.pg_port,
            user=odoo.pg_user,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(statement)

    @property
    def inbox_url(self) -> str:
        odoo = self.demo.odoo
        return f"postgresql://{odoo.pg_user}@{odoo.pg_host}:{odoo.pg_port}/{self.inbox_database}"

    def _phase(self, driver: DemoDriver, size: int) -> Phase:
        args, demo = self.args, self.demo
        phase = Phase(size)
        shipments = create_shipments(driver, demo.setup["partner_ids"][0], args.shipments)
        bridges: list[tuple[ManagedProcess, str]] = []
        for index in range(size):
            bridges.append(
                start_bridge(
                    demo,
                    f"bridge-{size}-{index}",
                    self.inbox_url,
                    extra_env={
                        "LOGISTICS_BRIDGE_FORWARD__LEASE_SECONDS": str(LEASE_SECONDS),
                        "LOGISTICS_BRIDGE_ODOO__TIMEOUT_SECONDS": str(ODOO_TIMEOUT_SECONDS),
                    },
                )
            )
        self.balancer.backends = [("127.0.0.1", int(url.rsplit(":", 1)[1])) for _p, url in bridges]
        live = [url for _process, url in bridges]
        rule = ThresholdRule.load(BACKLOG_ALERT)
        watch = BridgeWatch(lambda: list(live), rule)
        senders = CallbackSenders.to_demo_endpoint(self.balancer.url, demo, shipments, args)
        print(f"{size} bridge(s) on one PostgreSQL inbox: {senders.total} callbacks")
        senders.start()
        if size > 1:
            senders.finished.wait(args.kill_after)
            victim, url = bridges[-1]
            victim.kill()
            live.remove(url)
            phase.killed = 1
            print(f"SIGKILL {victim.name} after {args.kill_after:.0f} s")
        drained = wait_drained(watch, senders, args.drain_timeout)
        if drained is not None:
            phase.seconds = drained[0] - senders.started_at
        for process, _url in bridges:
            process.stop()
        tally = senders.tally
        phase.callbacks = len(set(senders.event_ids))
        phase.refused = tally.refused
        phase.sender_retries = tally.retries
        findings = check_odoo(driver, shipments, senders.event_ids, senders.run_id)
        phase.stored = findings.stored
        phase.lost, phase.doubled = findings.lost, findings.doubled
        phase.out_of_order, phase.not_final = findings.out_of_order, findings.not_final
        phase.not_processed = findings.not_processed
        return phase


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.short:
        defaults = _parser()
        for name, value in SHORT.items():
            if getattr(args, name) == defaults.get_default(name):
                setattr(args, name, value)
    workdir = prepare(args, "scale")
    if workdir is None:
        return 2
    run = ScaleOutRun(args, workdir)
    started = time.monotonic()
    failed = False
    try:
        report = run.run()
    except (OdooSetupFailed, ProcessFailed, OdooError, psycopg.Error) as exc:
        failed = True
        print(f"scale-out run failed: {exc}\nlogs: {workdir}", file=sys.stderr)
        return 1
    finally:
        run.close()
        finish(args, run.demo, workdir, failed=failed)
    return publish(args, report, started)


if __name__ == "__main__":
    sys.exit(main())
