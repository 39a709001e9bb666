"""Command line: ``logistics-demo``, the whole flow on this machine in one command."""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import secrets
import signal
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import requests
from logistics_bridge.config import add_log_level_option, configure_logging
from logistics_bridge.exceptions import OdooRpcError
from logistics_bridge.store import open_inbox
from logistics_tms_simulator.lifecycle import CALLBACKS_PER_ORDER

from .after_delivery import AfterDelivery, FlowTimeout
from .appointment import AppointmentFlow, PortalRefused
from .change_control import demo_round
from .driver import DemoDriver, ServiceNotQuoted
from .master_data import MasterDataRound, MasterDataTimeout
from .odoo_instance import (
    ODOO_TEMPLATE_VARIABLE,
    OdooInstance,
    OdooSetupFailed,
    OdooUnavailable,
    demo_addons,
    odoo_version,
)
from .partner_isolation import IsolationNotShown, PartnerEndpoint, PartnerIsolationRound
from .processes import ManagedProcess, ProcessFailed

_logger = logging.getLogger(__name__)

ENDPOINT_CODE = "demo_tms"
# The bridge reads Odoo's registry every few seconds (``registry.poll_seconds``): long
# enough for it to take the configuration the change-control round just approved.
REGISTRY_CATCH_UP_SECONDS = 15.0
INSTALL_HINT = """\
Odoo 18 is not importable by {python}: {reason}
Install Odoo 18.0 by Odoo's own means, for instance from source:
  https://www.odoo.com/documentation/18.0/administration/on_premise/source.html
so that `{python} -c "import odoo"` works, then run logistics-demo again.
Meanwhile the bridge and the TMS simulator run on their own: callbacks are
received, verified and kept in the bridge's inbox, waiting for an Odoo."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="logistics-demo",
        description="Odoo with the logistics addons, the bridge and a simulated TMS, "
        "with demo orders driven from order to invoice release.",
    )
    parser.add_argument("--database", default="logistics_demo", help="recreated on each run")
    parser.add_argument(
        "--odoo-template",
        default=os.environ.get(ODOO_TEMPLATE_VARIABLE) or None,
        metavar="DATABASE",
        help="create the database as a copy of this one, which has the demo's addons and "
        "their demo data installed, instead of installing them (much faster; default: "
        f"${ODOO_TEMPLATE_VARIABLE})",
    )
    parser.add_argument("--orders", type=int, default=5, help="demo orders to drive")
    parser.add_argument("--odoo-port", type=int, default=8069)
    parser.add_argument("--bridge-port", type=int, default=8480)
    parser.add_argument("--tms-port", type=int, default=8070)
    parser.add_argument("--workdir", type=Path, default=Path("var/demo"))
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the flow")
    parser.add_argument(
        "--exit-when-done", action="store_true", help="stop everything after the trace"
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        help="simulator fault switch, e.g. --fault duplicate-callbacks or "
        "--fault order-error-rate=0.5 (repeatable)",
    )
    parser.add_argument(
        "--pace", type=float, default=0.3, help="seconds between the simulator's callbacks"
    )
    parser.add_argument("--seed", type=int, help="the simulator's random seed, for repeatable runs")
    parser.add_argument(
        "--damaged-orders",
        default="1",
        help="orders (1-based as they reach the TMS, comma-separated) the carrier reports "
        "damaged before delivery, each opening a service case; empty for none",
    )
    add_log_level_option(parser)
    return parser


def demo_options(argv: Sequence[str]) -> argparse.Namespace:
    """The demo's options from command-line style arguments, defaults filled in."""
    return _parser().parse_args(argv)


class Demo:
    """The running demo: its processes, in start order."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.workdir: Path = args.workdir.resolve()
        self.processes: list[ManagedProcess] = []
        self.odoo: OdooInstance | None = None
        self.setup: dict = {}
        # How the TMS signs its callbacks. With Odoo, Odoo generates it (prepare_odoo); without
        # one, the bridge takes this one from its environment.
        self.signing_secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
        self.tms_api_key = secrets.token_urlsafe(24)

    @property
    def bridge_url(self) -> str:
        return f"http://127.0.0.1:{self.args.bridge_port}"

    @property
    def inbox_path(self) -> Path:
        return self.workdir / "bridge-inbox.sqlite3"

    @property
    def inbox_url(self) -> str:
        return f"sqlite:///{self.inbox_path}"

    @property
    def tms_url(self) -> str:
        return f"http://127.0.0.1:{self.args.tms_port}"

    def start(
        self, process: ManagedProcess, health_url: str, timeout: float = 120
    ) -> ManagedProcess:
        process.start()
        if process not in self.processes:
            self.processes.append(process)
        process.wait_http(health_url, timeout)
        return process

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def start_bridge(
        self, odoo: dict[str, str] | None, forward_poll_seconds: float | None = None
    ) -> ManagedProcess:
        """The bridge: with Odoo, its endpoints come from Odoo's registry (started once the
        demo endpoint is served); without, from its environment."""
        env = {
            "LOGISTICS_BRIDGE_LISTEN_PORT": str(self.args.bridge_port),
            "LOGISTICS_BRIDGE_INBOX_URL": self.inbox_url,
        }
        if forward_poll_seconds is not None:
            env["LOGISTICS_BRIDGE_FORWARD__MAX_WAIT_SECONDS"] = str(forward_poll_seconds)
        command = [sys.executable, "-m", "logistics_bridge", "serve"]
        if odoo:
            env.update({f"LOGISTICS_BRIDGE_ODOO__{k.upper()}": v for k, v in odoo.items()})
        else:
            env["LOGISTICS_BRIDGE_ENDPOINTS"] = json.dumps({ENDPOINT_CODE: [self.signing_secret]})
            command.append("--no-forward")
        bridge = self.start(
            ManagedProcess("bridge", command, self.workdir / "bridge.log", env),
            f"{self.bridge_url}/healthz",
        )
        if odoo:
            bridge.wait_endpoint(self.bridge_url, ENDPOINT_CODE, 60)
        return bridge

    def start_simulator(self) -> None:
        command = [
            sys.executable,
            "-m",
            "logistics_tms_simulator",
            "--port",
            str(self.args.tms_port),
            "--bridge-url",
            self.bridge_url,
            "--endpoint",
            ENDPOINT_CODE,
            "--pace",
            str(self.args.pace),
        ]
        if self.setup.get("currency"):
            command += ["--currency", self.setup["currency"]]
        if self.args.seed is not None:
            command += ["--seed", str(self.args.seed)]
        command += [f"--{fault}" for fault in self.args.fault]
        if self.args.damaged_orders:
            command.append(f"--damaged-orders={self.args.damaged_orders}")
        env = {
            "TMS_SIMULATOR_SECRET": self.signing_secret,
            "TMS_SIMULATOR_API_KEY": self.tms_api_key,
        }
        self.start(
            ManagedProcess("tms-simulator", command, self.workdir / "tms-simulator.log", env),
            f"{self.tms_url}/healthz",
        )

    def forget_bridge_state(self) -> None:
        """A new demo database starts a new bridge: the inbox and the registry copy a
        previous run left in the workdir belong to the database just dropped (its callbacks
        and secrets), and a copy of the template may carry a lower registry version."""
        inbox = self.inbox_path
        for path in (inbox, *inbox.parent.glob(f"{inbox.name}-*"), self.workdir / "registry.json"):
            path.unlink(missing_ok=True)

    def prepare_odoo(self, version: str) -> None:
        """Create the demo database with every addon and demo data, then configure it."""
        args = self.args
        self.odoo = OdooInstance(self.workdir, args.database, args.odoo_port)
        # Customer e-mails coalesce per shipment while they wait: one at a time leaves
        # Odoo to the ingestion of a backlog.
        self.odoo.write_config(
            f"root:4,root.logistics:4,root.logistics.{ENDPOINT_CODE}:4,"
            "root.logistics.customer_updates:1"
        )
        self.odoo.drop_database()
        self.forget_bridge_state()
        if args.odoo_template:
            print(
                f"Odoo {version}: creating database {args.database!r} as a copy of "
                f"{args.odoo_template!r}"
            )
            self.odoo.copy_database(args.odoo_template)
            # A template made before an addon of this tree was added lacks it.
            self.odoo.install_missing(demo_addons(), self.workdir / "odoo-install.log")
        else:
            modules = demo_addons()
            print(f"Odoo {version}: creating database {args.database!r} with {', '.join(modules)}")
            self.odoo.install(modules, self.workdir / "odoo-install.log")
        self.setup = self.odoo.run_setup_script(
            {
                "endpoint_code": ENDPOINT_CODE,
                "tms_url": self.tms_url,
                "tms_api_key": self.tms_api_key,
                "bridge_url": self.bridge_url,
            },
            self.workdir / "odoo-setup.log",
        )
        self.signing_secret = self.setup["signing_secret"]

    def start_odoo(self) -> ManagedProcess:
        print(f"Starting Odoo with its job runner on {self.odoo.url}")
        process = ManagedProcess("odoo", self.odoo.server_command(), self.workdir / "odoo.log")
        return self.start(process, f"{self.odoo.url}/web/health", timeout=180)

    def bridge_odoo_settings(self) -> dict[str, str]:
        return {
            "url": self.odoo.url,
            "db": self.args.database,
            "login": self.setup["bridge_login"],
            "api_key": self.setup["bridge_api_key"],
        }

    def start_stack(self) -> None:
        """Odoo with its job runner, the bridge forwarding to it, the simulated TMS."""
        self.start_odoo()
        self.start_bridge(self.bridge_odoo_settings())
        self.start_simulator()

    def driver(self) -> DemoDriver:
        return DemoDriver(self.odoo.url, self.args.database, "admin", "admin")

    def run_with_odoo(self, version: str) -> int:
        args = self.args
        self.prepare_odoo(version)
        self.start_stack()
        driver = self.driver()
        order_ids = driver.confirm_orders(
            self.setup["product_id"],
            self.setup["carrier_id"],
            self.setup["partner_ids"],
            args.orders,
            quote_carrier_id=self.setup.get("quote_carrier_id"),
        )
        if self.setup.get("quote_carrier_id") and order_ids:
            print(f"Rate quote: {driver.rate_quote(order_ids[0])}")
        print(f"{len(order_ids)} demo orders confirmed; following them (up to {args.timeout:.0f}s)")
        finished = driver.wait_until_settled(order_ids, args.timeout)
        invoices = driver.invoice(order_ids)
        for order_id, trace in zip(order_ids, driver.traces(order_ids), strict=True):
            print(
                f"\n{trace.order}  shipment {trace.shipment or '-'}"
                f"  TMS {trace.tms_reference or '-'}"
                f"  state {trace.state or '-'}\n  correlation id {trace.correlation_id}"
            )
            for charge in trace.charges:
                print(f"  charge  {charge}")
            print(f"  {invoices[order_id]}")
            for exchange in trace.exchanges:
                print(f"  {exchange}")
        if finished:
            finished = self.print_after_delivery(driver, order_ids)
        if finished:
            finished = self.print_master_data(driver)
        if finished and self.setup.get("appointment_portal") and self.setup.get("quote_carrier_id"):
            finished = self.print_appointment(driver)
        if finished and self.setup.get("partner_endpoint"):
            finished = self.print_partner_isolation(driver)
        self.print_change_control(driver)
        driver.wait_bridges_current(REGISTRY_CATCH_UP_SECONDS)
        print("\nLogistics > Overview:")
        for line in driver.overview():
            print(f"  {line}")
        print(
            f"\nOdoo: {self.odoo.url}/odoo  (login admin, password admin)"
            f"\n  Logistics > Overview; Logistics > Operations > Shipments (filter Returns);"
            f" Logistics > Operations > Service Cases; Logistics > Settlement > Carrier Settlement;"
            f" Logistics > Integration > Integration Log"
            f"\nBridge: {self.bridge_url}/metrics   TMS simulator: {self.tms_url}/v1/orders"
            f"\nLogs: {self.workdir}"
        )
        if not finished:
            print("Not every order was delivered and reconciled in time: see the logs above.")
        return 0 if finished else 1

    def print_after_delivery(self, driver: DemoDriver, order_ids: list[int]) -> bool:
        """A return, the damaged order's case and two carrier bills; False if one failed."""
        print("\nReturns, service cases and carrier bills:")
        try:
            report = AfterDelivery(driver).run(order_ids, self.args.timeout)
        except (FlowTimeout, OdooRpcError) as exc:
            print(f"  not done: {exc}")
            return False
        for line in report.lines():
            print(f"  {line}")
        return True

    def print_change_control(self, driver: DemoDriver) -> None:
        """The configuration bundle promoted after a second administrator's approval."""
        try:
            line = demo_round(driver, self.odoo.url, self.args.database, ENDPOINT_CODE).line()
        except OdooRpcError as exc:
            line = f"Change control: not done: {exc}"
        print(f"\n{line}")

    def print_master_data(self, driver: DemoDriver) -> bool:
        """Master data sent once, then a changed weight as a delta; False if it failed."""
        try:
            outcome = MasterDataRound(driver, self.tms_url, self.tms_api_key).run(
                self.setup["product_id"], self.args.timeout
            )
        except (MasterDataTimeout, OdooRpcError, requests.RequestException) as exc:
            print(f"\nMaster data: not done: {exc}")
            return False
        print(f"\n{outcome.line()}")
        return outcome.sent_once and outcome.delta_records == 1

    def print_appointment(self, driver: DemoDriver) -> bool:
        """An order quoted, shipped with the service chosen, delivered by appointment
        (rescheduled from the portal) and its freight reconciled; False if not."""
        try:
            outcome = AppointmentFlow(driver, self.odoo.url).run(
                self.setup, self.args.orders, self.args.timeout
            )
        except (FlowTimeout, OdooRpcError, PortalRefused, ServiceNotQuoted) as exc:
            print(f"Appointment: not done: {exc}")
            return False
        print(f"Appointment: {outcome.appointment}")
        print(f"Order chain: {outcome.chain}")
        return True

    def print_partner_isolation(self, driver: DemoDriver) -> bool:
        """A second company's callback refused for a first company's shipment; False if not."""
        endpoint = PartnerEndpoint(**self.setup["partner_endpoint"])
        try:
            outcome = PartnerIsolationRound(driver, self.bridge_url, endpoint).run(
                self.args.timeout
            )
        except (IsolationNotShown, OdooRpcError, requests.RequestException) as exc:
            print(f"Partner isolation: not done: {exc}")
            return False
        print(outcome.line())
        return outcome.refused

    def run_without_odoo(self) -> int:
        self.start_bridge(None)
        self.start_simulator()
        headers = {"X-API-Key": self.tms_api_key}
        for index in range(self.args.orders):
            reference = f"DEMO/{index + 1:05d}"
            answer = requests.post(
                f"{self.tms_url}/v1/orders",
                json={
                    "order_reference": reference,
                    "correlation_id": str(uuid.uuid4()),
                    "lines": [{"product_code": "PALLET", "quantity": 1, "weight_kg": 80}],
                },
                headers=dict(headers, **{"Idempotency-Key": reference}),
                timeout=10,
            )
            print(f"order {reference}: TMS answered {answer.status_code} {answer.text}")
        expected = CALLBACKS_PER_ORDER * self.args.orders
        inbox = open_inbox(self.inbox_url)
        try:
            deadline = time.monotonic() + 60
            while sum(inbox.counts().values()) < expected and time.monotonic() < deadline:
                time.sleep(0.5)
            report = inbox.status()
        finally:
            inbox.close()
        print("Bridge inbox (callbacks kept until an Odoo is configured):")
        for state, count in report.counts.items():
            print(f"  {state:<10} {count}")
        print(f"Bridge: {self.bridge_url}/metrics   TMS simulator: {self.tms_url}/v1/orders")
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``logistics-demo`` console script."""
    args = _parser().parse_args(argv)
    configure_logging(args.log_level)
    demo = Demo(args)
    demo.workdir.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        try:
            version = odoo_version()
        except OdooUnavailable as exc:
            print(INSTALL_HINT.format(python=sys.executable, reason=exc))
            code = demo.run_without_odoo()
        else:
            code = demo.run_with_odoo(version)
        if not args.exit_when_done:
            print("\nEverything keeps running; press Ctrl-C to stop.")
            stop.wait()
        return code
    except (OdooSetupFailed, ProcessFailed) as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        # A second Ctrl-C must not cut the orderly stop of the children short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        demo.stop_all()
