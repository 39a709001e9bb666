"""Callback to milestone latency through the real stack.

Starts a fresh Odoo (workers and job runner) with the addons, and the bridge
forwarding to it; sends signed TMS callbacks to the bridge at a steady rate
(default 100 events/s) for existing shipments, and watches Odoo's database for
each milestone to become visible (committed). Prints p50/p90/p99/max of the time
from the callback's POST to the milestone being readable in Odoo (target p99 <= 500 ms),
for every event and for those sent once the fresh server's workers are warm (after
``--warm-seconds``: each worker's first requests fill its caches), and the CPU Odoo and
PostgreSQL spent per event.

The watcher reads PostgreSQL, not JSON-RPC: polled over JSON-RPC as the admin, each
Odoo worker's first call checks the password (600,000 PBKDF2 rounds, about half a
second of CPU), and six workers doing that at the start made the first seconds' events
look a second late, a cost of the watcher, not of the callbacks' path; polling every
20 ms also kept a worker busy the bridge could have used.

    python3 benchmarks/callback_latency.py [--rate 100] [--seconds 30] [--shipments 100]
        [--warm-seconds 5] [--keep]

Needs Odoo 18 importable by this interpreter and PostgreSQL; drops its database and
removes its work directory when done, failed or interrupted, unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import requests
from logistics_demo.cli import ENDPOINT_CODE, Demo, demo_options
from logistics_demo.odoo_instance import OdooUnavailable, odoo_version
from logistics_demo.processes import free_port, interrupt_on_sigterm
from logistics_tms_simulator.sender import signed_headers
from outage_under_load import CpuSample
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
    parser.add_argument(
        "--warm-seconds",
        type=float,
        default=5.0,
        help="sending time after which the workers count as warm (the second figures)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database and the work directory (logs)"
    )
    options = parser.parse_args()
    interrupt_on_sigterm()
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
        odoo_process = demo.start_odoo()
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
        return _measure(demo, odoo_process.pid, shipment_ids, names, options)
    finally:
        demo.stop_all()
        if options.keep:
            print(f"kept database {args.database} and work directory {workdir}")
        else:
            if demo.odoo is not None:
                demo.odoo.drop_database()
            shutil.rmtree(workdir, ignore_errors=True)


def _print_latencies(label: str, latencies: list[float]) -> None:
    print(
        f"{label:<23}"
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p90 {_percentile(latencies, 0.90) * 1000:.0f} ms, "
        f"p99 {_percentile(latencies, 0.99) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms  (target p99 <= 500 ms)"
    )


def _measure(demo, odoo_pid, shipment_ids, names, options) -> int:
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
        odoo = demo.odoo
        with psycopg.connect(
            host=odoo.pg_host,
            port=odoo.pg_port,
            user=odoo.pg_user,
            dbname=odoo.database,
            autocommit=True,
        ) as connection:
            while not stop_watching.is_set():
                waiting = [event_id for event_id in list(sent_at) if event_id not in seen_at]
                if waiting:
                    rows = connection.execute(
                        "SELECT external_event_id FROM logistics_milestone "
                        "WHERE external_event_id = ANY(%s) AND shipment_id = ANY(%s)",
                        (waiting, shipment_ids),
                    ).fetchall()
                    now = time.monotonic()
                    for (event_id,) in rows:
                        seen_at.setdefault(event_id, now)
                time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    session = requests.Session()
    refused = 0
    cpu_before = CpuSample.take(odoo_pid, demo.odoo)
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
    odoo_cpu, database_cpu = cpu_before.per_event_ms(
        CpuSample.take(odoo_pid, demo.odoo), max(len(seen_at), 1)
    )

    latencies = [seen_at[e] - sent_at[e] for e in sent_at if e in seen_at]
    warm = [
        seen_at[e] - sent_at[e]
        for e in sent_at
        if e in seen_at and sent_at[e] - start >= options.warm_seconds
    ]
    print(
        f"callback -> milestone latency through the real stack "
        f"(Odoo workers + job runner, bridge on SQLite), {total} events"
    )
    print(f"offered rate:          {options.rate:.0f} events/s")
    print(f"achieved send rate:    {total / send_elapsed:.1f} events/s")
    print(f"refused by the bridge: {refused}")
    print(f"visible in Odoo:       {len(latencies)} of {total}")
    if latencies:
        _print_latencies("latency:", latencies)
    if warm:
        _print_latencies(f"  after {options.warm_seconds:g} s:", warm)
    print(
        f"CPU per event:         Odoo {odoo_cpu:.1f} ms"
        + ("" if database_cpu is None else f", PostgreSQL {database_cpu:.1f} ms")
    )
    return 0 if len(latencies) == total - refused else 1


if __name__ == "__main__":
    sys.exit(main())
