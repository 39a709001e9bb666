"""Chaos run of the whole stack: Odoo with its job runner, the bridge, the TMS simulator.

Needs Odoo 18 importable and PostgreSQL (as the demo does). Orders are confirmed at a
steady rate and the simulator reports their lifecycles at a steady pace while:

- R1: the bridge is killed with SIGKILL at random moments and restarted;
- R2: Odoo is stopped for ``--odoo-outage-seconds`` while callbacks keep coming;
- R3: the TMS fails half its order calls, with 503, 429 and answers held past the
  caller's read timeout (the order taken all the same);
- R4: every callback is sent three times, the copies shuffled with the rest.

A reviewer plays the person who acts on failures: an export that failed for good
must come with a review activity, and the reviewer replays it.

It ends with a table: events sent, accepted, applied, lost, doubled, orders exported
once in effect, failures turned into review activities, final states equal to the
in-order run, time to drain after recovery. The in-order expectation comes from the
simulator's record of each order's lifecycle, in the order it happened: every event
applied once, the state the one Odoo's own status mapping gives the last status.
The same ``--seed`` gives the same faults at the same moments of the run (process
timing still varies). Exits 0 when nothing was lost or doubled and every final state
equals the in-order run. Drops its database and removes its files unless ``--keep``.

    python3 benchmarks/chaos.py [--seed 1] [--orders 24] [--odoo-outage-seconds 300]
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from logistics_bridge.config import add_log_level_option, configure_logging
from logistics_bridge.exceptions import OdooError
from logistics_demo.cli import ENDPOINT_CODE, Demo, demo_options
from logistics_demo.driver import DemoDriver
from logistics_demo.odoo_instance import OdooSetupFailed, OdooUnavailable, odoo_version
from logistics_demo.processes import (
    ManagedProcess,
    ProcessFailed,
    free_port,
    interrupt_on_sigterm,
)
from logistics_tms_simulator.lifecycle import MILESTONES
from outage_under_load import finish

_logger = logging.getLogger("chaos")

FAILED_EXPORT_ACTIVITY = ("logistics_tms_export", "mail_activity_type_tms_failed")
_PENDING_METRIC = re.compile(r'^logistics_bridge_inbox_events\{state="(\w+)"\} (\S+)$', re.M)
# The simulator bills the carrier's own rate: an in-order run approves every charge.
IN_ORDER_CHARGE_STATE = "approved"
# Callbacks that each become one milestone of their own.
TRANSPORT_EVENT_TYPES = ("status", "pod")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seed", type=int, default=1, help="makes the faults repeatable")
    parser.add_argument("--orders", type=int, default=24)
    parser.add_argument("--order-interval", type=float, default=5.0, help="seconds between orders")
    parser.add_argument(
        "--pace",
        type=float,
        default=15.0,
        help="seconds between two callbacks of an order (an order's life spans the outage)",
    )
    parser.add_argument("--odoo-outage-seconds", type=float, default=300.0)
    parser.add_argument(
        "--outage-after-orders", type=int, help="orders confirmed before the outage (half)"
    )
    parser.add_argument(
        "--bridge-kill-every",
        type=float,
        nargs=2,
        default=(15.0, 45.0),
        metavar=("MIN", "MAX"),
        help="seconds between two SIGKILLs of the bridge, drawn uniformly",
    )
    parser.add_argument("--failure-rate", type=float, default=0.5, help="TMS order calls failing")
    parser.add_argument("--callback-copies", type=int, default=3)
    parser.add_argument(
        "--export-read-timeout", type=float, default=4.0, help="Odoo's read timeout to the TMS"
    )
    parser.add_argument(
        "--export-max-retries",
        type=int,
        default=4,
        help="attempts before an export fails for good and waits for a person",
    )
    parser.add_argument(
        "--drain-timeout", type=float, default=900.0, help="seconds allowed to settle at the end"
    )
    parser.add_argument("--database", default="logistics_chaos", help="recreated, then dropped")
    parser.add_argument("--odoo-port", type=int, default=0, help="0: a free port")
    parser.add_argument("--bridge-port", type=int, default=0, help="0: a free port")
    parser.add_argument("--tms-port", type=int, default=0, help="0: a free port")
    parser.add_argument("--workdir", type=Path, help="logs and the inbox (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the workdir")
    parser.add_argument("--report-json", type=Path, help="also write the figures as JSON here")
    add_log_level_option(parser)
    return parser


@dataclass
class Report:
    """What the run did and what it found; the table is made from it."""

    seed: int
    orders: int
    odoo_outage_seconds: float
    bridge_kills: int = 0
    callback_posts: int = 0
    callbacks_acknowledged: dict[str, int] = field(default_factory=dict)
    events_produced: int = 0
    events_accepted: int = 0
    events_accepted_during_outage: int = 0
    events_applied: int = 0
    events_not_applied: dict[str, int] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    order_calls: dict[str, int] = field(default_factory=dict)
    shipments: int = 0
    exported_once: int = 0
    export_failures: int = 0
    export_failures_with_activity: int = 0
    export_failures_replayed: int = 0
    states_equal_in_order: int = 0
    state_differences: list[str] = field(default_factory=list)
    backlog_drained_seconds: float | None = None
    settled_seconds_after_last_fault: float | None = None
    settled: bool = False

    @property
    def passed(self) -> bool:
        return (
            self.settled
            and not self.lost
            and not self.doubled
            and self.exported_once == self.shipments == self.orders
            and self.states_equal_in_order == self.shipments
            and self.export_failures_with_activity == self.export_failures
        )

    def table(self) -> str:
        acknowledged = ", ".join(f"{k} {v}" for k, v in sorted(self.callbacks_acknowledged.items()))
        calls = ", ".join(f"{k} {v}" for k, v in sorted(self.order_calls.items()))

        def seconds(value: float | None) -> str:
            return "not reached" if value is None else f"{value:.0f} s"

        rows = [
            (
                "seed, orders, Odoo outage",
                f"{self.seed}, {self.orders}, {self.odoo_outage_seconds:.0f} s",
            ),
            ("R1 bridge SIGKILLs", str(self.bridge_kills)),
            ("R3 TMS order calls", calls),
            ("R4 callback POSTs (copies and retries)", f"{self.callback_posts} ({acknowledged})"),
            ("events sent (distinct)", str(self.events_produced)),
            ("events accepted by the bridge", str(self.events_accepted)),
            ("  of which during the Odoo outage", str(self.events_accepted_during_outage)),
            (
                "events applied in Odoo",
                f"{self.events_applied}"
                + "".join(f", {state} {n}" for state, n in sorted(self.events_not_applied.items())),
            ),
            ("events lost", str(len(self.lost))),
            ("events or orders doubled", str(len(self.doubled))),
            ("orders exported once in effect", f"{self.exported_once}/{self.orders}"),
            (
                "failures turned into review activities",
                f"{self.export_failures_with_activity}/{self.export_failures}"
                f" (replayed {self.export_failures_replayed})",
            ),
            (
                "final states equal to the in-order run",
                f"{self.states_equal_in_order}/{self.shipments}",
            ),
            ("R2 backlog drained after Odoo was back", seconds(self.backlog_drained_seconds)),
            ("all settled after the last fault", seconds(self.settled_seconds_after_last_fault)),
        ]
        width = max(len(name) for name, _ in rows)
        lines = [f"| {'':<{width}} | result |", f"|{'-' * (width + 2)}|--------|"]
        lines += [f"| {name:<{width}} | {value} |" for name, value in rows]
        for problem in self.lost[:10] + self.doubled[:10] + self.state_differences[:10]:
            lines.append(f"  ! {problem}")
        return "\n".join(lines)


class Periodic(threading.Thread):
    """Runs ``step`` after ``interval`` seconds, again and again until stopped.

    A step may return the seconds to wait before the next one instead.
    """

    def __init__(self, name: str, step: Callable[[], float | None], interval: float) -> None:
        super().__init__(name=name, daemon=True)
        self._step = step
        self._interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        wait = self._interval
        while not self.stopping.wait(wait):
            try:
                chosen = self._step()
            except (OdooError, requests.RequestException, ProcessFailed) as exc:
                _logger.info("%s: %s", self.name, exc)
                chosen = None
            wait = self._interval if chosen is None else chosen

    def stop(self) -> None:
        self.stopping.set()
        self.join(60)


class BridgeKiller:
    """R1: SIGKILL the bridge at random moments drawn from the seed, then restart it."""

    def __init__(
        self, demo: Demo, bridge: ManagedProcess, rng: random.Random, every: Sequence[float]
    ) -> None:
        self._demo, self._bridge, self._rng, self._every = demo, bridge, rng, every
        self.kills = 0
        self.last_restart = time.monotonic()

    def step(self) -> float:
        self._bridge.kill()
        self.kills += 1
        _logger.info("R1: bridge killed (%d)", self.kills)
        self._demo.start(self._bridge, f"{self._demo.bridge_url}/healthz")
        self.last_restart = time.monotonic()
        return self._rng.uniform(*self._every)


class Reviewer:
    """The person on duty: every export failed for good needs an activity; replay it."""

    def __init__(self, driver: DemoDriver) -> None:
        self._driver = driver
        self._activity_type = driver.call(
            "ir.model.data",
            "search_read",
            [("module", "=", FAILED_EXPORT_ACTIVITY[0]), ("name", "=", FAILED_EXPORT_ACTIVITY[1])],
            fields=["res_id"],
        )[0]["res_id"]
        self.failures = 0
        self.with_activity = 0
        self.replayed = 0

    def step(self) -> None:
        failed = self._driver.call(
            "logistics.shipment", "search", [("export_state", "=", "export_failed")]
        )
        for shipment_id in failed:
            self.failures += 1
            activities = self._driver.call(
                "mail.activity",
                "search_count",
                [
                    ("res_model", "=", "logistics.shipment"),
                    ("res_id", "=", shipment_id),
                    ("activity_type_id", "=", self._activity_type),
                ],
            )
            self.with_activity += bool(activities)
            self._driver.call("logistics.shipment", "action_tms_replay", [shipment_id])
            self.replayed += 1
            _logger.info("reviewer: shipment %s failed for good, replayed", shipment_id)


class BridgeWatch:
    """Samples the bridge's inbox by state from its /metrics."""

    def __init__(self, bridge_url: str) -> None:
        self._url = f"{bridge_url}/metrics"
        self.samples: list[tuple[float, dict[str, float]]] = []

    def step(self) -> None:
        text = requests.get(self._url, timeout=2).text
        self.samples.append(
            (time.monotonic(), {state: float(n) for state, n in _PENDING_METRIC.findall(text)})
        )

    def last(self) -> dict[str, float]:
        return self.samples[-1][1] if self.samples else {}

    def drained_after(self, moment: float) -> float | None:
        """Seconds from ``moment`` until the inbox first had nothing pending."""
        for at, counts in self.samples:
            if at >= moment and counts.get("pending", 0) == 0:
                return at - moment
        return None


def _odoo_time(iso: str) -> str:
    """An ISO 8601 instant as Odoo stores it: naive UTC, to the second."""
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


class ChaosRun:
    """One run: the stack, the faults, the orders, then the findings."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.demo = Demo(
            demo_options(
                [
                    f"--database={args.database}",
                    f"--orders={args.orders}",
                    f"--odoo-port={args.odoo_port or free_port()}",
                    f"--bridge-port={args.bridge_port or free_port()}",
                    f"--tms-port={args.tms_port or free_port()}",
                    f"--workdir={workdir}",
                    f"--pace={args.pace}",
                    f"--seed={args.seed}",
                    f"--fault=callback-copies={args.callback_copies}",
                    "--fault=shuffle-callbacks",
                    f"--fault=order-error-rate={args.failure_rate}",
                    "--fault=order-failure-modes=5xx,429,timeout",
                    f"--fault=order-timeout-seconds={args.export_read_timeout + 3}",
                    # Every order ends delivered: the demo's damaged order is left out.
                    "--damaged-orders=",
                ]
            )
        )
        self.report = Report(args.seed, args.orders, args.odoo_outage_seconds)

    def run(self) -> Report:
        demo, args = self.demo, self.args
        demo.prepare_odoo(odoo_version())
        odoo = demo.start_odoo()
        driver = demo.driver()
        self._tune_endpoint(driver)
        bridge = demo.start_bridge(demo.bridge_odoo_settings())
        demo.start_simulator()
        killer = BridgeKiller(demo, bridge, self.rng, args.bridge_kill_every)
        reviewer = Reviewer(driver)
        watch = BridgeWatch(demo.bridge_url)
        threads = [
            Periodic("bridge-watch", watch.step, 1.0),
            Periodic("reviewer", reviewer.step, 3.0),
            Periodic("bridge-killer", killer.step, self.rng.uniform(*args.bridge_kill_every)),
        ]
        for thread in threads:
            thread.start()
        outage_after = (
            args.orders // 2 if args.outage_after_orders is None else args.outage_after_orders
        )
        order_ids: list[int] = []
        recovered_at = due = time.monotonic()
        try:
            for index in range(args.orders):
                if index == outage_after:
                    recovered_at = self._odoo_outage(odoo, watch)
                    due = recovered_at  # orders resume at their rate, not all at once
                time.sleep(max(0.0, due - time.monotonic()))
                order_ids += self._confirm(driver, index)
                due += args.order_interval
        finally:
            threads[-1].stop()  # recovery: no fault is injected after the last order
        last_fault = max(killer.last_restart, recovered_at)
        deadline = time.monotonic() + args.drain_timeout
        while time.monotonic() < deadline and not self._settled(driver, order_ids, watch):
            time.sleep(2)
        settled_at = time.monotonic()
        for thread in threads[:-1]:
            thread.stop()
        report = self.report
        report.settled = settled_at < deadline
        report.bridge_kills = killer.kills
        report.export_failures = reviewer.failures
        report.export_failures_with_activity = reviewer.with_activity
        report.export_failures_replayed = reviewer.replayed
        report.backlog_drained_seconds = watch.drained_after(recovered_at)
        if report.settled:
            report.settled_seconds_after_last_fault = settled_at - last_fault
        report.events_accepted = int(sum(watch.last().values()))
        self._compare(driver, order_ids)
        return report

    def _tune_endpoint(self, driver: DemoDriver) -> None:
        """A short read timeout, so a held answer is a timeout; few retries, so some fail."""
        endpoint_ids = driver.call("logistics.endpoint", "search", [("code", "=", ENDPOINT_CODE)])
        driver.call(
            "logistics.endpoint",
            "write",
            endpoint_ids,
            {
                "read_timeout": self.args.export_read_timeout,
                "max_retries": self.args.export_max_retries,
            },
        )

    def _confirm(self, driver: DemoDriver, index: int) -> list[int]:
        setup = self.demo.setup
        return driver.confirm_orders(
            setup["product_id"], setup["carrier_id"], setup["partner_ids"], 1, first_index=index
        )

    def _odoo_outage(self, odoo: ManagedProcess, watch: BridgeWatch) -> float:
        """R2: stop Odoo, let callbacks come, start it again; return when it is back."""
        self._wait_for_callbacks_in_flight()
        accepted_before = self._simulator_stats()["callbacks"]["sent"]
        _logger.info("R2: stopping Odoo for %.0fs", self.args.odoo_outage_seconds)
        odoo.stop()
        time.sleep(self.args.odoo_outage_seconds)
        self.report.events_accepted_during_outage = (
            self._simulator_stats()["callbacks"]["sent"] - accepted_before
        )
        self.demo.start(odoo, f"{self.demo.odoo.url}/web/health", timeout=180)
        _logger.info("R2: Odoo is back; bridge inbox %s", watch.last())
        return time.monotonic()

    def _wait_for_callbacks_in_flight(self, timeout: float = 180.0) -> None:
        """Wait until the TMS reports lifecycles, so that callbacks come during the outage."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._simulator_stats()["callbacks_pending"] >= self.args.callback_copies:
                return
            time.sleep(0.5)
        _logger.warning("R2: no callback in flight after %.0fs; stopping Odoo anyway", timeout)

    def _simulator_stats(self) -> dict[str, Any]:
        return requests.get(f"{self.demo.tms_url}/v1/stats", timeout=10).json()

    def _settled(self, driver: DemoDriver, order_ids: list[int], watch: BridgeWatch) -> bool:
        try:
            settled = driver.settled_count(order_ids)
        except (OdooError, requests.RequestException) as exc:
            _logger.info("waiting for Odoo: %s", exc)
            return False
        stats = self._simulator_stats()
        pending = watch.last().get("pending", 0)
        _logger.info(
            "%d/%d settled; bridge pending %.0f; TMS callbacks pending %d",
            settled,
            len(order_ids),
            pending,
            stats["callbacks_pending"],
        )
        return settled == len(order_ids) and not pending and not stats["callbacks_pending"]

    def _compare(self, driver: DemoDriver, order_ids: list[int]) -> None:
        """Lost, doubled, exported once, final state against the in-order run."""
        report = self.report
        stats = self._simulator_stats()
        callbacks = stats["callbacks"]
        report.callbacks_acknowledged = {
            "202 accepted": callbacks["sent"],
            "200 duplicate": callbacks["duplicates_acknowledged"],
            "refused": callbacks["refused"],
            "retried": callbacks["retried"],
        }
        report.callback_posts = sum(report.callbacks_acknowledged.values())
        report.order_calls = stats["order_calls"]
        tms_orders = requests.get(f"{self.demo.tms_url}/v1/orders", timeout=10).json()["orders"]
        tms_by_reference = Counter(order["reference"] for order in tms_orders)
        planning = {order["reference"]: order["planning_reference"] for order in tms_orders}
        report.doubled += [f"TMS order {ref} x{n}" for ref, n in tms_by_reference.items() if n > 1]
        shipments = driver.shipments(order_ids)
        report.shipments = len(shipments)
        report.exported_once = sum(
            tms_by_reference[s["name"]] == 1 and s["tms_reference"] == planning.get(s["name"])
            for s in shipments
        )
        expected = {
            s["id"]: self._lifecycle(planning[s["name"]])
            for s in shipments
            if s["name"] in planning
        }
        report.events_produced = sum(len(events) for events in expected.values())
        inbound = driver.call(
            "logistics.inbound.event",
            "search_read",
            [("endpoint_id.code", "=", ENDPOINT_CODE)],
            fields=["external_event_id", "state"],
        )
        applied = Counter(e["external_event_id"] for e in inbound if e["state"] == "processed")
        report.events_applied = len(applied)
        report.events_not_applied = dict(
            Counter(e["state"] for e in inbound if e["state"] != "processed")
        )
        expected_ids = {e["event_id"] for events in expected.values() for e in events}
        report.lost = sorted(expected_ids - set(applied))
        report.doubled += [f"inbound event {i} x{n}" for i, n in applied.items() if n > 1]
        final_state = self._in_order_final_state(driver)
        for shipment in shipments:
            difference = self._difference(driver, shipment, expected.get(shipment["id"], []))
            if difference:
                report.state_differences.append(f"{shipment['name']}: {difference}")
            else:
                report.states_equal_in_order += shipment["state"] == final_state

    def _lifecycle(self, planning_reference: str) -> list[dict[str, Any]]:
        return requests.get(
            f"{self.demo.tms_url}/v1/orders/{planning_reference}/callbacks", timeout=10
        ).json()["callbacks"]

    @staticmethod
    def _in_order_final_state(driver: DemoDriver) -> str:
        """The state an in-order run ends in: Odoo's mapping of the last status sent."""
        last_code = MILESTONES[-1][0]
        mapping = driver.call(
            "logistics.status.mapping",
            "search_read",
            [("raw_code", "=", last_code)],
            fields=["event_type_id"],
            limit=1,
        )
        event_type = driver.call(
            "logistics.event.type", "read", [mapping[0]["event_type_id"][0]], fields=["code"]
        )
        return event_type[0]["code"]

    def _difference(
        self, driver: DemoDriver, shipment: dict[str, Any], lifecycle: list[dict[str, Any]]
    ) -> str:
        """How the shipment differs from applying ``lifecycle`` once, in order ('' if not)."""
        milestones = driver.call(
            "logistics.milestone",
            "search_read",
            [("shipment_id", "=", shipment["id"]), ("endpoint_id", "!=", False)],
            fields=["external_event_id", "event_time"],
        )
        # The TMS's answer to the export is the planned milestone, timed when Odoo got
        # it; the planning callback then only completes the planning data.
        acknowledgement = f"tms-order:{shipment['tms_reference']}"
        have = Counter(
            (
                m["external_event_id"],
                "" if m["external_event_id"] == acknowledgement else m["event_time"],
            )
            for m in milestones
        )
        want = Counter(
            (e["event_id"], _odoo_time(e["occurred_at"]))
            for e in lifecycle
            if e["event_type"] in TRANSPORT_EVENT_TYPES
        )
        want[(acknowledgement, "")] += 1
        charges = driver.call(
            "logistics.freight.charge",
            "search_read",
            [("shipment_id", "=", shipment["id"]), ("external_charge_id", "!=", False)],
            fields=["external_charge_id", "actual_amount", "state"],
        )
        have_charges = Counter(
            (c["external_charge_id"], round(c["actual_amount"], 2), c["state"]) for c in charges
        )
        want_charges = Counter(
            (line["external_id"], round(line["amount"], 2), IN_ORDER_CHARGE_STATE)
            for e in lifecycle
            if e["event_type"] == "charges"
            for line in e["payload"]["charges"]
        )
        problems = []
        if have != want:
            problems.append(
                f"milestones {sorted(have - want)} extra, {sorted(want - have)} missing"
            )
            self.report.doubled += [f"milestone {k[0]} x{n}" for k, n in have.items() if n > 1]
        if have_charges != want_charges:
            problems.append(f"charges {sorted(have_charges)} != {sorted(want_charges)}")
            self.report.doubled += [f"charge {k[0]} x{n}" for k, n in have_charges.items() if n > 1]
        return "; ".join(problems)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging(args.log_level)
    interrupt_on_sigterm()
    try:
        odoo_version()
    except OdooUnavailable as exc:
        print(f"the chaos run needs Odoo 18 importable: {exc}", file=sys.stderr)
        return 2
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="lgx-chaos-"))
    chaos = ChaosRun(args, workdir.resolve())
    started = time.monotonic()
    failed = False
    try:
        report = chaos.run()
    except (OdooSetupFailed, ProcessFailed, OdooError) as exc:
        failed = True
        print(f"chaos run failed: {exc}\nlogs: {workdir}", file=sys.stderr)
        return 1
    finally:
        finish(args, chaos.demo, workdir, failed=failed)
    print(report.table())
    print(f"\n{'PASS' if report.passed else 'FAIL'} in {time.monotonic() - started:.0f} s")
    if args.report_json:
        args.report_json.write_text(
            json.dumps(dict(asdict(report), passed=report.passed), indent=2)
        )
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
