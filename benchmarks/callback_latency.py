"""Callback to milestone latency through the real stack.

Starts a fresh Odoo (workers and job runner) with the addons, and the bridge
forwarding to it; sends signed TMS callbacks to the bridge at a steady rate
(default 100 events/s) for existing shipments, and watches Odoo over JSON-RPC
for each milestone to become visible. Prints p50/p90/p99/max of the time from
the callback's POST to the milestone being readable in Odoo (target p99 <= 500 ms).

    python3 benchmarks/callback_latency.py [--rate 100] [--seconds 30] [--shipments 100]

Needs Odoo 18 importable by this interpreter and PostgreSQL; drops its database
when done.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from logistics_demo.cli import ENDPOINT_CODE, Demo, demo_options
from logistics_demo.odoo_instance import OdooUnavailable, odoo_version
from logistics_demo.processes import free_port
from logistics_tms_simulator.sender import signed_headers
from standardwebhooks.webhooks import Webhook

STATUS_CODES = ("AF", "P1", "X4", "X6")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="sending time")
    parser.add_argument("--shipments", type=int, default=100)
    parser.add_argument("--forward-poll", type=float, default=0.05, help="bridge idle poll (s)")
    options = parser.parse_args()
    try:
        version = odoo_version()
    except OdooUnavailable as exc:
        print(f"Odoo 18 is not importable ({exc}): nothing to measure.")
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="lgx-latency-"))
    args = demo_options(
        [
            f"--database=lgx_bench_{uuid.uuid4().hex[:8]}",
            "--orders=0",
            f"--odoo-port={free_port()}",
            f"--bridge-port={free_port()}",
            f"--tms-port={free_port()}",
            f"--workdir={workdir}",
            "--timeout=300",
            "--exit-when-done",
            "--log-level=WARNING",
        ]
    )
    demo = Demo(args)
    try:
        demo.prepare_odoo(version)
        demo.start_odoo()
        settings = demo.bridge_odoo_settings()
        demo.start_bridge(settings, forward_poll_seconds=options.forward_poll)
        driver = demo.driver()
        partner = demo.setup["partner_ids"][0]
        shipment_ids = driver.call(
            "logistics.shipment", "create", [{"partner_id": partner}] * options.shipments
        )
        names = [
            s["name"] for s in driver.call("logistics.shipment", "read", shipment_ids, ["name"])
        ]
        return _measure(demo, driver, shipment_ids, names, options)
    finally:
        demo.stop_all()
        if demo.odoo is not None:
            demo.odoo.drop_database()


def _measure(demo, driver, shipment_ids, names, options) -> int:
    webhook = Webhook(demo.signing_secret)
    url = f"{demo.bridge_url}/v1/tms/{ENDPOINT_CODE}/events"
    sent_at: dict[str, float] = {}
    seen_at: dict[str, float] = {}
    total = int(options.rate * options.seconds)
    base_time = datetime.now(UTC) - timedelta(days=1)
    stop_watching = threading.Event()

    def watch() -> None:
        # Asked by event id, not after the highest row id seen: the bridge's lanes commit
        # side by side, so a row can become visible after one with a higher id.
        while not stop_watching.is_set():
            waiting = [event_id for event_id in list(sent_at) if event_id not in seen_at]
            if waiting:
                rows = driver.call(
                    "logistics.milestone",
                    "search_read",
                    [("external_event_id", "in", waiting), ("shipment_id", "in", shipment_ids)],
                    fields=["external_event_id"],
                )
                now = time.monotonic()
                for row in rows:
                    seen_at.setdefault(row["external_event_id"], now)
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    session = requests.Session()
    refused = 0
    start = time.monotonic()
    for index in range(total):
        due = start + index / options.rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        shipment = names[index % len(names)]
        event_id = f"lat-{index}"
        occurred = base_time + timedelta(seconds=index)
        body = json.dumps(
            {
                "event_id": event_id,
                "event_type": "status",
                "shipment_reference": shipment,
                "occurred_at": occurred.isoformat(),
                "payload": {
                    "status_code": STATUS_CODES[(index // len(names)) % len(STATUS_CODES)],
                    "location": "Benchmark hub",
                },
            }
        )
        headers = signed_headers(webhook, event_id, body)
        sent_at[event_id] = time.monotonic()
        if session.post(url, data=body.encode(), headers=headers, timeout=10).status_code != 202:
            refused += 1
    send_elapsed = time.monotonic() - start
    deadline = time.monotonic() + 120
    while len(seen_at) < total - refused and time.monotonic() < deadline:
        time.sleep(0.2)
    stop_watching.set()
    watcher.join(5)

    latencies = [seen_at[e] - sent_at[e] for e in sent_at if e in seen_at]
    print(
        f"callback -> milestone latency through the real stack "
        f"(Odoo workers + job runner, bridge on SQLite), {total} events"
    )
    print(f"offered rate:          {options.rate:.0f} events/s")
    print(f"achieved send rate:    {total / send_elapsed:.1f} events/s")
    print(f"refused by the bridge: {refused}")
    print(f"visible in Odoo:       {len(latencies)} of {total}")
    if latencies:
        print(
            "latency:               "
            f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p90 {_percentile(latencies, 0.90) * 1000:.0f} ms, "
            f"p99 {_percentile(latencies, 0.99) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms  (target p99 <= 500 ms)"
        )
    return 0 if len(latencies) == total - refused else 1


if __name__ == "__main__":
    sys.exit(main())
