"""Throughput of ``logistics.ingest.ingest_events`` against a raw batched milestone create.

Ingests N status events (default 5000) in batches of 100 through the bridge
entry point, as the bridge user, then creates the same number of milestone rows
with plain batched ``create`` calls, and prints both rates and their ratio
(target >= 0.9), by wall time and by this process's CPU time (Odoo's Python work
alone, steadier than wall time on a shared machine; PostgreSQL's work is not in it).
Five events per shipment, each shipment's sequence shuffled.

It runs against a throwaway database (created with ``logistics_tms_inbound``
installed, without demo data, if missing) and rolls everything back.

Needs Odoo 18 importable by this interpreter and PostgreSQL (``PGHOST``, ``PGPORT``,
``PGUSER``; default 127.0.0.1:5432 as the current user, allowed to create databases).
Without ``-c`` it writes its own Odoo configuration for this checkout's ``addons/``
into a temporary directory, removed at the end; ``-c`` uses an existing one instead.

Usage: python3 benchmarks/ingest_throughput.py [-c ODOO_CONFIG] [-d DATABASE] [-n N] [--batch 100]
       [--recreate]
"""

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from logistics_demo.odoo_instance import OdooInstance
from logistics_demo.processes import interrupt_on_sigterm

ROOT = Path(__file__).resolve().parents[1]
CODES = ("XB", "AF", "P1", "X6", "D1")
CANONICAL = ("shipment_planned", "picked_up", "in_transit", "out_for_delivery", "delivered")
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-c", "--config", help="Odoo configuration (default: one written for this checkout)"
    )
    parser.add_argument("-d", "--database", default="lgx_in_bench")
    parser.add_argument("-n", "--events", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument(
        "--recreate", action="store_true", help="drop the database first (after code changes)"
    )
    return parser.parse_args()


def ensure_database(args):
    import psycopg2

    import odoo

    with (
        psycopg2.connect(
            dbname="postgres",
            host=odoo.tools.config["db_host"] or None,
            port=odoo.tools.config["db_port"] or None,
            user=odoo.tools.config["db_user"] or None,
        ) as conn,
        conn.cursor() as cr,
    ):
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.database,))
        exists = cr.fetchone()
    if exists and args.recreate:
        with psycopg2.connect(
            dbname="postgres",
            host=odoo.tools.config["db_host"] or None,
            port=odoo.tools.config["db_port"] or None,
            user=odoo.tools.config["db_user"] or None,
        ) as conn:
            conn.autocommit = True
            conn.cursor().execute(f'DROP DATABASE "{args.database}" WITH (FORCE)')
    elif exists:
        return
    print(f"installing logistics_tms_inbound into {args.database} ...", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            args.config,
            "-d",
            args.database,
            "-i",
            "logistics_tms_inbound",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def default_config(database, workdir):
    """An Odoo configuration for this checkout's addons and the PG* environment, in
    ``workdir``."""
    instance = OdooInstance(workdir, database, 0)
    instance.write_config(channels="root:1")
    return str(instance.config_path)


def make_shipments(env, prefix, count):
    shipments = env["logistics.shipment"].create(
        [
            {"partner_id": env.ref("base.main_partner").id, "tms_reference": f"{prefix}-{i}"}
            for i in range(count)
        ]
    )
    env.flush_all()
    return shipments


def make_events(references, rng):
    events = []
    for number, reference in enumerate(references):
        order = list(range(len(CODES)))
        rng.shuffle(order)
        for step in order:
            events.append(
                {
                    "event_id": f"bench-{number}-{step}",
                    "event_type": "status",
                    "shipment_reference": reference,
                    "occurred_at": (T0 + timedelta(hours=step)).isoformat(),
                    "payload": {"status_code": CODES[step], "location": "Rotterdam NL"},
                    "correlation_id": None,
                    "schema_version": "1",
                    "received_at": datetime.now(UTC).isoformat(),
                }
            )
    return events


def main():
    args = parse_args()
    try:
        import odoo  # noqa: F401
    except ImportError as exc:
        print(f"Odoo is not importable ({exc}); benchmark skipped.")
        return 0
    interrupt_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="lgx-ingest-bench-") as workdir:
        args.config = args.config or default_config(args.database, Path(workdir))
        return run(args)


def run(args):
    import odoo

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    ensure_database(args)
    registry = odoo.modules.registry.Registry(args.database)
    rng = random.Random(42)
    shipment_count = max(1, args.events // len(CODES))
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.company
        endpoint = env["logistics.endpoint"].create(
            {"name": "Bench TMS", "code": "bench_tms", "kind": "tms"}
        )
        bridge = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Bench Bridge",
                    "login": "bench_bridge",
                    "groups_id": [(6, 0, [env.ref("logistics_inbound.group_logistics_bridge").id])],
                    "company_id": company.id,
                    "company_ids": [(6, 0, [company.id])],
                }
            )
        )
        ingest_shipments = make_shipments(env, "BENCH-IN", shipment_count)
        raw_shipments = make_shipments(env, "BENCH-RAW", shipment_count)
        events = make_events(ingest_shipments.mapped("tms_reference"), rng)[: args.events]
        ingest = env["logistics.ingest"].with_user(bridge)

        types = {code: env.ref(f"logistics_integration.event_type_{code}").id for code in CANONICAL}
        rows = []
        for shipment, event in zip(
            (s for s in raw_shipments for _step in CODES), events, strict=False
        ):
            step = CODES.index(event["payload"]["status_code"])
            rows.append(
                {
                    "shipment_id": shipment.id,
                    "event_type_id": types[CANONICAL[step]],
                    "raw_code": CODES[step],
                    "endpoint_id": endpoint.id,
                    "event_time": (T0 + timedelta(hours=step)).replace(tzinfo=None),
                    "location": "Rotterdam NL",
                    "external_event_id": f"raw-{event['event_id']}",
                }
            )
        milestones = env["logistics.milestone"]

        # Batches of both paths alternate, so load from elsewhere on the machine
        # weighs on both alike; each flushes like a commit would (precommit hooks:
        # state tracking), as the savepoints of ingest_events do.
        results = {}
        ingest_seconds = raw_seconds = ingest_cpu = raw_cpu = 0.0
        for offset in range(0, len(events), args.batch):
            started, cpu_started = time.perf_counter(), time.process_time()
            for answer in ingest.ingest_events(endpoint.code, events[offset : offset + args.batch]):
                results[answer["result"]] = results.get(answer["result"], 0) + 1
            cr.flush()
            ingest_seconds += time.perf_counter() - started
            ingest_cpu += time.process_time() - cpu_started
            started, cpu_started = time.perf_counter(), time.process_time()
            milestones.create(rows[offset : offset + args.batch])
            cr.flush()
            raw_seconds += time.perf_counter() - started
            raw_cpu += time.process_time() - cpu_started

        delivered = ingest_shipments.filtered(lambda s: s.state == "delivered")
        cr.rollback()

    ingest_rate = len(events) / ingest_seconds
    raw_rate = len(rows) / raw_seconds
    print(f"events: {len(events)} in batches of {args.batch}, {shipment_count} shipments")
    print(f"answers: {results}; shipments delivered: {len(delivered)}/{shipment_count}")
    print(
        f"ingest_events: {ingest_rate:8.1f} events/s ({ingest_seconds:.2f} s, "
        f"{ingest_cpu:.2f} s CPU)"
    )
    print(f"raw create:    {raw_rate:8.1f} rows/s ({raw_seconds:.2f} s, {raw_cpu:.2f} s CPU)")
    print(f"ratio:         {ingest_rate / raw_rate:8.2f} (target >= 0.9)")
    print(f"CPU ratio:     {raw_cpu / ingest_cpu:8.2f} (raw create CPU / ingest_events CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
