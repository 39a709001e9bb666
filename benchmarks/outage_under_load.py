"""Odoo stopped under load: tracking callbacks keep coming, nothing is lost, doubled or reordered.

Starts Odoo with prefork workers (as the demo does) on a fresh database, the bridge
forwarding to it, and senders that sign and POST tracking callbacks at a steady rate
for N shipments, each shipment's events in canonical order (planned, picked up,
in-transit scans, out for delivery, delivered). Mid-run Odoo is stopped for a set time
and started again. Meanwhile the script reads the bridge's /metrics and evaluates the
alert rule ``LogisticsBridgeBacklogOld`` of docs/monitoring/logistics-alerts.yml on it,
and once Odoo is back, reads the backlog age the bridges reported on
*Logistics > Overview* (the endpoint card) over JSON-RPC. When the inbox has drained it
checks in Odoo that every callback is there exactly once (by event id), that every
shipment's milestones were recorded in the order sent and that every shipment ended
delivered.

Prints: callbacks accepted, stored in Odoo, lost, doubled, out of order, the alert,
the Overview's backlog age, the drain rate after Odoo returned and the time to empty.
Exits 0 when nothing was lost, doubled or reordered, the alert fired and the Overview
showed the backlog.

    python3 benchmarks/outage_under_load.py [--rate 100] [--shipments 3000]
        [--events-per-shipment 12] [--outage-seconds 300] [--short]

The defaults are the 100 callbacks/s of 3,000 shipments with 30,000 of them arriving
during a 5-minute outage; ``--short`` is 20 shipments and a 10 s outage.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
import yaml
from logistics_bridge.config import add_log_level_option, configure_logging
from logistics_bridge.exceptions import OdooError
from logistics_demo.cli import ENDPOINT_CODE, Demo, demo_options
from logistics_demo.driver import DemoDriver
from logistics_demo.odoo_instance import (
    OdooInstance,
    OdooSetupFailed,
    OdooUnavailable,
    odoo_version,
)
from logistics_demo.processes import (
    ManagedProcess,
    ProcessFailed,
    free_port,
    interrupt_on_sigterm,
)
from logistics_tms_simulator.sender import RETRYABLE_STATUS, signed_headers
from procstat import cpu_seconds, tree_cpu_seconds
from standardwebhooks.webhooks import Webhook

_logger = logging.getLogger("outage")

ALERT_RULES = Path(__file__).resolve().parents[1] / "docs" / "monitoring" / "logistics-alerts.yml"
BACKLOG_ALERT = "LogisticsBridgeBacklogOld"
# X12 214 status codes in canonical order; the in-transit scan repeats to fill a lifecycle.
PLANNED, PICKED_UP, IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED = "AF", "P1", "X4", "X6", "D1"
FINAL_STATE = "delivered"
_SAMPLE = re.compile(r"^(\w+)(?:\{([^}]*)\})? (\S+)$", re.M)
_THRESHOLD_RULE = re.compile(r"^\s*(\w+)\s*>\s*([0-9.eE+]+)\s*$")
_DURATION = re.compile(r"^(\d+)([smh])$")


def lifecycle_codes(events_per_shipment: int) -> list[str]:
    """The status codes one shipment reports, in order (at least the five milestones)."""
    scans = max(1, events_per_shipment - 4)
    return [PLANNED, PICKED_UP, *[IN_TRANSIT] * scans, OUT_FOR_DELIVERY, DELIVERED]


# -- the stack -------------------------------------------------------------------------------
def demo_for(database: str, workdir: Path) -> Demo:
    """Odoo with prefork workers and its job runner, configured as the demo does."""
    return Demo(
        demo_options(
            [
                f"--database={database}",
                "--orders=0",
                f"--odoo-port={free_port()}",
                f"--bridge-port={free_port()}",
                f"--tms-port={free_port()}",
                f"--workdir={workdir}",
            ]
        )
    )


def start_bridge(
    demo: Demo,
    name: str,
    inbox_url: str,
    *,
    heartbeat_seconds: float = 2.0,
    extra_env: dict[str, str] | None = None,
) -> tuple[ManagedProcess, str]:
    """One ``logistics-bridge serve`` forwarding to the demo's Odoo; returns it and its URL."""
    port = free_port()
    directory = demo.workdir / name
    directory.mkdir(parents=True, exist_ok=True)
    env = {
        "LOGISTICS_BRIDGE_LISTEN_PORT": str(port),
        "LOGISTICS_BRIDGE_INBOX_URL": inbox_url,
        "LOGISTICS_BRIDGE_BRIDGE_ID": name,
        "LOGISTICS_BRIDGE_HEARTBEAT_SECONDS": str(heartbeat_seconds),
        "LOGISTICS_BRIDGE_REGISTRY__CACHE_PATH": str(directory / "registry.json"),
        "LOGISTICS_BRIDGE_FORWARD__MAX_WAIT_SECONDS": "0.05",
        "LOGISTICS_BRIDGE_FORWARD__BACKOFF_CAP_SECONDS": "2",
        **{
            f"LOGISTICS_BRIDGE_ODOO__{k.upper()}": v for k, v in demo.bridge_odoo_settings().items()
        },
        **(extra_env or {}),
    }
    url = f"http://127.0.0.1:{port}"
    process = ManagedProcess(
        name,
        [sys.executable, "-m", "logistics_bridge", "serve"],
        directory / "bridge.log",
        env,
    )
    demo.start(process, f"{url}/healthz")
    process.wait_endpoint(url, ENDPOINT_CODE, 60)
    return process, url


def create_shipments(driver: DemoDriver, partner_id: int, count: int) -> list[str]:
    """``count`` bare shipments, created in chunks; returns their references."""
    names: list[str] = []
    for start in range(0, count, 500):
        ids = driver.call(
            "logistics.shipment", "create", [{"partner_id": partner_id}] * min(500, count - start)
        )
        names += [row["name"] for row in driver.call("logistics.shipment", "read", ids, ["name"])]
    return names


# -- the senders -----------------------------------------------------------------------------
@dataclass
class SendTally:
    accepted: int = 0  # 202: stored by the bridge
    duplicates: int = 0  # 200: a retry of a callback the bridge had already stored
    retries: int = 0
    refused: list[str] = field(default_factory=list)


class CallbackSenders:
    """Threads that POST each shipment's callbacks in order at ``rate`` callbacks/s in all.

    Shipment ``i`` belongs to thread ``i % threads``, which sends the next callback of a
    shipment only once the previous one was acknowledged; a callback not acknowledged
    (connection error, 429, 5xx) is sent again under the same webhook-id.
    """

    def __init__(
        self,
        url: str,
        secret: str,
        shipments: Sequence[str],
        codes: Sequence[str],
        rate: float,
        threads: int,
    ) -> None:
        self._url = url
        self._webhook = Webhook(secret)
        self._shipments = shipments
        self._codes = codes
        self._rate = rate
        self._threads = [
            threading.Thread(target=self._send_share, args=(index, threads), daemon=True)
            for index in range(threads)
        ]
        # Event ids start with it: Odoo's milestones of this run are found by it.
        self.run_id = uuid.uuid4().hex[:8]
        self._base_time = datetime.now(UTC) - timedelta(days=1)
        self._lock = threading.Lock()
        self.tally = SendTally()
        self.event_ids: list[str] = []
        self.started_at = 0.0
        self.finished_at = 0.0
        self.finished = threading.Event()

    @classmethod
    def to_demo_endpoint(
        cls, base_url: str, demo: Demo, shipments: Sequence[str], args: argparse.Namespace
    ) -> CallbackSenders:
        """Senders of the demo TMS's callbacks to the bridge (or balancer) at ``base_url``,
        as the run's options say."""
        return cls(
            f"{base_url}/v1/tms/{ENDPOINT_CODE}/events",
            demo.signing_secret,
            shipments,
            lifecycle_codes(args.events_per_shipment),
            args.rate,
            args.sender_threads,
        )

    @property
    def total(self) -> int:
        return len(self._shipments) * len(self._codes)

    def event_id(self, shipment_index: int, step: int) -> str:
        return f"{self.run_id}-{shipment_index}-{step}"

    def start(self) -> None:
        self.started_at = time.monotonic()
        for thread in self._threads:
            thread.start()
        threading.Thread(target=self._join, daemon=True).start()

    def _join(self) -> None:
        for thread in self._threads:
            thread.join()
        self.finished_at = time.monotonic()
        self.finished.set()

    def _send_share(self, index: int, threads: int) -> None:
        mine = range(index, len(self._shipments), threads)
        interval = threads / self._rate
        session = requests.Session()
        due = self.started_at
        for step, code in enumerate(self._codes):
            for shipment_index in mine:
                due += interval
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                self._deliver(session, shipment_index, step, code)

    def _deliver(
        self, session: requests.Session, shipment_index: int, step: int, code: str
    ) -> None:
        event_id = self.event_id(shipment_index, step)
        body = json.dumps(
            {
                "event_id": event_id,
                "event_type": "status",
                "shipment_reference": self._shipments[shipment_index],
                "occurred_at": (self._base_time + timedelta(minutes=step)).isoformat(),
                "payload": {"status_code": code, "location": f"Scan {step}"},
            },
            separators=(",", ":"),
        )
        attempt = 0
        while True:
            headers = signed_headers(self._webhook, event_id, body)
            try:
                status = session.post(self._url, data=body.encode(), headers=headers, timeout=10)
                code_answered = status.status_code
            except requests.RequestException:
                code_answered = None
            if code_answered is not None and code_answered not in RETRYABLE_STATUS:
                break
            attempt += 1
            with self._lock:
                self.tally.retries += 1
            time.sleep(min(2.0, 0.05 * 2**attempt))
        with self._lock:
            self.event_ids.append(event_id)
            if code_answered == 202:
                self.tally.accepted += 1
            elif code_answered == 200:
                self.tally.duplicates += 1
            else:
                self.tally.refused.append(f"{event_id}: {code_answered} {status.text[:200]}")


# -- watching the bridges ----------------------------------------------------------------------
@dataclass(frozen=True)
class ThresholdRule:
    """A ``metric > threshold`` alert rule with its ``for`` duration."""

    name: str
    metric: str
    threshold: float
    for_seconds: float

    @classmethod
    def load(cls, name: str, path: Path = ALERT_RULES) -> ThresholdRule:
        rules = yaml.safe_load(path.read_text())
        for group in rules["groups"]:
            for rule in group["rules"]:
                if rule.get("alert") == name:
                    match = _THRESHOLD_RULE.match(rule["expr"])
                    if not match:
                        raise ValueError(f"{name}: not a 'metric > number' rule: {rule['expr']}")
                    duration = _DURATION.match(rule.get("for", "0s"))
                    seconds = (
                        int(duration.group(1)) * {"s": 1, "m": 60, "h": 3600}[duration.group(2)]
                    )
                    return cls(name, match.group(1), float(match.group(2)), float(seconds))
        raise ValueError(f"no alert rule {name} in {path}")


def parse_metrics(text: str) -> dict[tuple[str, str], float]:
    """Prometheus text exposition as ``{(name, labels): value}``."""
    return {
        (name, labels or ""): float(value)
        for name, labels, value in _SAMPLE.findall(text)
        if not name.startswith("#")
    }


class BridgeWatch(threading.Thread):
    """Scrapes every bridge's /metrics once a second; evaluates the backlog-age rule on it."""

    def __init__(self, urls: Callable[[], Sequence[str]], rule: ThresholdRule) -> None:
        super().__init__(name="bridge-watch", daemon=True)
        self._urls = urls
        self.rule = rule
        self.stopping = threading.Event()
        self.pending = 0.0
        self.forwarded = 0.0
        self.oldest_age = 0.0
        self.max_age = 0.0
        self._true_since: float | None = None
        self.fired_at: float | None = None

    def run(self) -> None:
        while not self.stopping.wait(1.0):
            self.sample()

    def sample(self) -> None:
        pending = forwarded = age = 0.0
        for url in self._urls():
            try:
                text = requests.get(f"{url}/metrics", timeout=5).text
            except requests.RequestException:
                continue  # a bridge being killed: the others still count
            samples = parse_metrics(text)
            # Bridges sharing one inbox each report all of it: the backlog is counted once.
            pending = max(
                pending, samples.get(("logistics_bridge_inbox_events", 'state="pending"'), 0.0)
            )
            forwarded += sum(
                value
                for (name, _labels), value in samples.items()
                if name == "logistics_bridge_events_forwarded_total"
            )
            age = max(age, samples.get((self.rule.metric, ""), 0.0))
        now = time.monotonic()
        self.pending, self.forwarded, self.oldest_age = pending, forwarded, age
        self.max_age = max(self.max_age, age)
        if age > self.rule.threshold:
            self._true_since = self._true_since or now
            if self.fired_at is None and now - self._true_since >= self.rule.for_seconds:
                self.fired_at = now
                _logger.info("alert %s firing: oldest pending %.0f s", self.rule.name, age)
        else:
            self._true_since = None

    def stop(self) -> None:
        self.stopping.set()
        self.join(10)


def overview_backlog(driver: DemoDriver) -> dict[str, float]:
    """The bridges' backlog on the endpoint's card of *Logistics > Overview*."""
    domain = [("endpoint_id.code", "=", ENDPOINT_CODE)]
    if not driver.call("logistics.overview.card", "search_count", domain):
        # The card opening the Overview would make for the endpoint.
        [endpoint] = driver.call(
            "logistics.endpoint", "search_read", [("code", "=", ENDPOINT_CODE)], fields=["name"]
        )
        driver.call(
            "logistics.overview.card",
            "create",
            {"kind": "endpoint", "endpoint_id": endpoint["id"], "name": endpoint["name"]},
        )
    [card] = driver.call(
        "logistics.overview.card",
        "search_read",
        domain,
        fields=["bridge_pending_count", "bridge_oldest_pending_seconds"],
    )
    return {
        "pending": card["bridge_pending_count"],
        "oldest_seconds": card["bridge_oldest_pending_seconds"],
    }


@dataclass(frozen=True)
class CpuSample:
    """CPU seconds of Odoo (server, workers, job runner) and of each PostgreSQL backend
    serving its database (readable when PostgreSQL runs on this machine)."""

    odoo: float
    backends: dict[int, float]

    @classmethod
    def take(cls, odoo_pid: int, instance: OdooInstance) -> CpuSample:
        backends = {}
        for pid in instance.backend_pids():
            try:
                backends[pid] = cpu_seconds(pid)
            except OSError:
                continue  # another machine's, or ended meanwhile
        return cls(tree_cpu_seconds(odoo_pid), backends)

    def per_event_ms(self, later: CpuSample, events: float) -> tuple[float, float | None]:
        """(Odoo, PostgreSQL) CPU milliseconds per event between this sample and ``later``."""
        odoo = (later.odoo - self.odoo) * 1000 / events
        if not later.backends:
            return odoo, None
        database = sum(cpu - self.backends.get(pid, 0.0) for pid, cpu in later.backends.items())
        return odoo, database * 1000 / events


# -- what Odoo holds --------------------------------------------------------------------------
@dataclass
class Findings:
    stored: int = 0
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    out_of_order: list[str] = field(default_factory=list)
    not_final: list[str] = field(default_factory=list)
    not_processed: dict[str, int] = field(default_factory=dict)


def check_odoo(
    driver: DemoDriver, shipments: Sequence[str], event_ids: Sequence[str], run_id: str
) -> Findings:
    """Every callback once, each shipment's milestones in the order sent, every one delivered."""
    findings = Findings()
    inbound = driver.call(
        "logistics.inbound.event",
        "search_read",
        [("endpoint_id.code", "=", ENDPOINT_CODE), ("external_event_id", "=like", f"{run_id}-%")],
        fields=["external_event_id", "state"],
    )
    present = Counter(row["external_event_id"] for row in inbound)
    findings.stored = len(present)
    findings.lost = sorted(set(event_ids) - set(present))
    findings.doubled = [f"{event} x{n}" for event, n in present.items() if n > 1]
    findings.not_processed = dict(
        Counter(row["state"] for row in inbound if row["state"] != "processed")
    )
    milestones = driver.call(
        "logistics.milestone",
        "search_read",
        [("external_event_id", "=like", f"{run_id}-%")],
        fields=["external_event_id"],
        order="id",
    )
    steps: dict[str, list[int]] = defaultdict(list)
    for row in milestones:
        _run, shipment_index, step = row["external_event_id"].rsplit("-", 2)
        steps[shipment_index].append(int(step))
    findings.doubled += [
        f"milestone of shipment {index} x{n}"
        for index, recorded in steps.items()
        for step, n in Counter(recorded).items()
        if n > 1
    ]
    findings.out_of_order = [
        f"{shipments[int(index)]}: steps recorded as {recorded}"
        for index, recorded in steps.items()
        if recorded != sorted(recorded)
    ]
    states = driver.call(
        "logistics.shipment",
        "search_read",
        [("name", "in", list(shipments))],
        fields=["name", "state"],
    )
    findings.not_final = [f"{s['name']}: {s['state']}" for s in states if s["state"] != FINAL_STATE]
    return findings


# -- the run ------------------------------------------------------------------------------------
@dataclass
class Report:
    shipments: int
    rate: float
    outage_seconds: float
    callbacks: int = 0
    accepted: int = 0
    acknowledged_again: int = 0
    sender_retries: int = 0
    refused: list[str] = field(default_factory=list)
    accepted_during_outage: int = 0
    send_rate: float = 0.0
    stored: int = 0
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    out_of_order: list[str] = field(default_factory=list)
    not_final: list[str] = field(default_factory=list)
    not_processed: dict[str, int] = field(default_factory=dict)
    alert: str = ""
    alert_fired: bool = False
    bridge_max_backlog_age: float = 0.0
    overview_backlog_age: float | None = None
    overview_backlog_pending: int | None = None
    pending_when_odoo_returned: int = 0
    drain_rate: float | None = None
    time_to_empty: float | None = None
    odoo_cpu_per_event_ms: float | None = None
    database_cpu_per_event_ms: float | None = None

    @property
    def passed(self) -> bool:
        return (
            self.time_to_empty is not None
            and not self.refused
            and not self.lost
            and not self.doubled
            and not self.out_of_order
            and not self.not_final
            and self.stored == self.callbacks
            and self.alert_fired
            and self.overview_backlog_age is not None
        )

    def table(self) -> str:
        def figure(value: float | None, unit: str) -> str:
            return "not reached" if value is None else f"{value:.1f} {unit}"

        rows = [
            ("shipments, offered rate", f"{self.shipments}, {self.rate:.0f} callbacks/s"),
            ("Odoo outage", f"{self.outage_seconds:.0f} s"),
            ("callbacks sent (distinct)", str(self.callbacks)),
            ("achieved send rate", f"{self.send_rate:.1f} callbacks/s"),
            ("accepted by the bridge (202)", str(self.accepted)),
            ("  of which during the outage", str(self.accepted_during_outage)),
            ("  acknowledged on a retry (200)", str(self.acknowledged_again)),
            ("refused", str(len(self.refused))),
            (
                "stored in Odoo",
                f"{self.stored}"
                + "".join(f", {state} {n}" for state, n in sorted(self.not_processed.items())),
            ),
            ("lost", str(len(self.lost))),
            ("doubled", str(len(self.doubled))),
            ("out of order", str(len(self.out_of_order))),
            ("not ended delivered", str(len(self.not_final))),
            ("bridge backlog age, highest", figure(self.bridge_max_backlog_age, "s")),
            (
                "backlog-age alert",
                f"{'fired' if self.alert_fired else 'did not fire'}: {self.alert}",
            ),
            ("Overview backlog age after return", figure(self.overview_backlog_age, "s")),
            ("pending when Odoo returned", str(self.pending_when_odoo_returned)),
            ("drain rate after Odoo returned", figure(self.drain_rate, "events/s")),
            ("time to empty", figure(self.time_to_empty, "s")),
            ("Odoo CPU per event drained", figure(self.odoo_cpu_per_event_ms, "ms")),
            ("PostgreSQL CPU per event drained", figure(self.database_cpu_per_event_ms, "ms")),
        ]
        width = max(len(name) for name, _ in rows)
        lines = [f"| {name:<{width}} | {value} |" for name, value in rows]
        for problem in (self.refused + self.lost + self.doubled + self.out_of_order)[:20]:
            lines.append(f"  ! {problem}")
        return "\n".join(lines)


def parser(description: str) -> argparse.ArgumentParser:
    """Options both load runs share."""
    options = argparse.ArgumentParser(description=description)
    options.add_argument("--rate", type=float, default=100.0, help="callbacks per second")
    options.add_argument("--shipments", type=int, default=3000)
    options.add_argument(
        "--events-per-shipment",
        type=int,
        default=12,
        help="callbacks per shipment, in order: planned, picked up, in-transit scans, "
        "out for delivery, delivered (at least 5)",
    )
    options.add_argument("--sender-threads", type=int, default=4)
    options.add_argument(
        "--drain-timeout", type=float, default=1800.0, help="seconds allowed to empty the inbox"
    )
    options.add_argument("--database", help="recreated, then dropped (default: a fresh name)")
    options.add_argument("--workdir", type=Path, help="logs and inboxes (default: a temp dir)")
    options.add_argument("--keep", action="store_true", help="keep the database and the workdir")
    options.add_argument("--report-json", type=Path, help="also write the figures as JSON here")
    add_log_level_option(options)
    return options


def _parser() -> argparse.ArgumentParser:
    options = parser(__doc__.split("\n\n", 1)[0])
    options.add_argument("--outage-seconds", type=float, default=300.0)
    options.add_argument(
        "--outage-after", type=float, default=30.0, help="seconds of sending before Odoo stops"
    )
    options.add_argument(
        "--alert-threshold",
        type=float,
        help=f"seconds of backlog age that fire {BACKLOG_ALERT} (default: the rule's)",
    )
    options.add_argument(
        "--alert-for", type=float, help="seconds the rule must hold (default: the rule's)"
    )
    options.add_argument(
        "--heartbeat-seconds",
        type=float,
        default=2.0,
        help="the bridge's heartbeat, which brings its backlog onto the Overview",
    )
    options.add_argument(
        "--short",
        action="store_true",
        help="20 shipments of 12 callbacks at 20/s, a 10 s outage after 3 s, "
        "the alert at 5 s of backlog age, a heartbeat every 0.5 s",
    )
    return options


SHORT = {
    "rate": 20.0,
    "shipments": 20,
    "sender_threads": 2,
    "outage_seconds": 10.0,
    "outage_after": 3.0,
    "alert_threshold": 5.0,
    "alert_for": 0.0,
    "heartbeat_seconds": 0.5,
    "drain_timeout": 300.0,
}


def wait_drained(
    watch: BridgeWatch, senders: CallbackSenders, timeout: float
) -> tuple[float, float] | None:
    """Wait until every callback was sent and the inbox is empty: (when, forwarded so far).

    The bridges are sampled every half second, so "when" is late by that much at most.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # A bridge reads its inbox depth at most once a second: a count read before the
        # last callback was stored would say empty too early.
        if senders.finished.is_set() and time.monotonic() - senders.finished_at > 1.5:
            watch.sample()
            if watch.pending == 0:
                return time.monotonic(), watch.forwarded
        time.sleep(0.5)
    return None


class OutageRun:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.demo = demo_for(args.database, workdir)
        self.report = Report(args.shipments, args.rate, args.outage_seconds)

    def run(self) -> Report:
        args, demo, report = self.args, self.demo, self.report
        demo.prepare_odoo(odoo_version())
        odoo = demo.start_odoo()
        driver = demo.driver()
        shipments = create_shipments(driver, demo.setup["partner_ids"][0], args.shipments)
        _bridge, url = start_bridge(
            demo, "bridge", demo.inbox_url, heartbeat_seconds=args.heartbeat_seconds
        )
        rule = ThresholdRule.load(BACKLOG_ALERT)
        rule = ThresholdRule(
            rule.name,
            rule.metric,
            rule.threshold if args.alert_threshold is None else args.alert_threshold,
            rule.for_seconds if args.alert_for is None else args.alert_for,
        )
        report.alert = (
            f"{rule.name} ({rule.metric} > {rule.threshold:g} for {rule.for_seconds:g} s)"
        )
        watch = BridgeWatch(lambda: [url], rule)
        senders = CallbackSenders.to_demo_endpoint(url, demo, shipments, args)
        watch.start()
        senders.start()
        time.sleep(args.outage_after)
        print(f"stopping Odoo for {args.outage_seconds:.0f} s")
        accepted_before = senders.tally.accepted
        odoo.stop()
        time.sleep(args.outage_seconds)
        demo.start(odoo, f"{demo.odoo.url}/web/health", timeout=180)
        report.accepted_during_outage = senders.tally.accepted - accepted_before
        returned_at = time.monotonic()
        cpu_at_return = CpuSample.take(odoo.pid, demo.odoo)
        watch.sample()
        forwarded_at_return = watch.forwarded
        report.pending_when_odoo_returned = int(watch.pending)
        print(f"Odoo is back; {report.pending_when_odoo_returned} events pending in the bridge")
        overview = threading.Thread(target=self._read_overview, args=(driver, report))
        overview.start()
        drained = wait_drained(watch, senders, args.drain_timeout)
        cpu_drained = CpuSample.take(odoo.pid, demo.odoo)
        overview.join()
        watch.stop()
        if drained is not None:
            emptied_at, forwarded = drained
            report.time_to_empty = emptied_at - returned_at
            report.drain_rate = (forwarded - forwarded_at_return) / max(report.time_to_empty, 1e-3)
            if forwarded > forwarded_at_return:
                report.odoo_cpu_per_event_ms, report.database_cpu_per_event_ms = (
                    cpu_at_return.per_event_ms(cpu_drained, forwarded - forwarded_at_return)
                )
        report.alert_fired = watch.fired_at is not None
        report.bridge_max_backlog_age = watch.max_age
        fill_send_figures(report, senders)
        fill_findings(report, check_odoo(driver, shipments, senders.event_ids, senders.run_id))
        return report

    @staticmethod
    def _read_overview(driver: DemoDriver, report: Report, timeout: float = 30.0) -> None:
        """The backlog age the Overview shows once the bridge's next heartbeat got in."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                backlog = overview_backlog(driver)
            except (OdooError, requests.RequestException) as exc:
                _logger.info("Overview not readable yet: %s", exc)
                backlog = {"pending": 0}
            if backlog["pending"]:
                report.overview_backlog_pending = int(backlog["pending"])
                report.overview_backlog_age = backlog["oldest_seconds"]
                print(
                    f"Overview: {report.overview_backlog_pending} pending in bridges, "
                    f"oldest {report.overview_backlog_age:.0f} s"
                )
                return
            time.sleep(0.5)


def fill_send_figures(report: Report, senders: CallbackSenders) -> None:
    tally = senders.tally
    report.callbacks = len(set(senders.event_ids))
    report.accepted = tally.accepted
    report.acknowledged_again = tally.duplicates
    report.sender_retries = tally.retries
    report.refused = tally.refused
    report.send_rate = senders.total / max(senders.finished_at - senders.started_at, 1e-3)


def fill_findings(report: Any, findings: Findings) -> None:
    report.stored = findings.stored
    report.lost = findings.lost
    report.doubled = findings.doubled
    report.out_of_order = findings.out_of_order
    report.not_final = findings.not_final
    report.not_processed = findings.not_processed


def prepare(args: argparse.Namespace, prefix: str) -> Path | None:
    """Common checks and defaults; returns the workdir, None when Odoo is missing."""
    configure_logging(args.log_level)
    interrupt_on_sigterm()
    try:
        odoo_version()
    except OdooUnavailable as exc:
        print(f"this run needs Odoo 18 importable: {exc}", file=sys.stderr)
        return None
    if args.events_per_shipment < 5:
        raise SystemExit("--events-per-shipment: at least 5 (the five milestones)")
    args.database = args.database or f"lgx_{prefix}_{uuid.uuid4().hex[:8]}"
    return (args.workdir or Path(tempfile.mkdtemp(prefix=f"lgx-{prefix}-"))).resolve()


def finish(args: argparse.Namespace, demo: Demo, workdir: Path, *, failed: bool) -> None:
    """Stops everything and drops the database unless ``--keep``. The workdir goes only when
    it was a temporary one and the run did not fail: a failure's message points at its logs,
    and a ``--workdir`` the user named is theirs."""
    demo.stop_all()
    if args.keep:
        return
    if demo.odoo is not None:
        demo.odoo.drop_database()
    if args.workdir is None and not failed:
        shutil.rmtree(workdir, ignore_errors=True)


def publish(args: argparse.Namespace, report: Any, started: float) -> int:
    print(report.table())
    print(f"\n{'PASS' if report.passed else 'FAIL'} in {time.monotonic() - started:.0f} s")
    if args.report_json:
        args.report_json.write_text(
            json.dumps(dict(asdict(report), passed=report.passed), indent=2)
        )
    return 0 if report.passed else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.short:
        for name, value in SHORT.items():
            if getattr(args, name) == _parser().get_default(name):
                setattr(args, name, value)
    workdir = prepare(args, "outage")
    if workdir is None:
        return 2
    run = OutageRun(args, workdir)
    started = time.monotonic()
    failed = False
    try:
        report = run.run()
    except (OdooSetupFailed, ProcessFailed, OdooError) as exc:
        failed = True
        print(f"outage run failed: {exc}\nlogs: {workdir}", file=sys.stderr)
        return 1
    finally:
        finish(args, run.demo, workdir, failed=failed)
    return publish(args, report, started)


if __name__ == "__main__":
    sys.exit(main())
