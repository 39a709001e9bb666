"""Time to compute Logistics > Overview's figures over a large history.

Fills a scratch database (a copy of a template database that has
``logistics_monitoring`` and the addons contributing its business cards installed
without demo data; the template is created on first use) with bulk SQL inserts: by
default 1,000,000 integration-log rows spread over 30 days and 5 endpoints, 100,000
shipments (each with its confirmed sale order and one freight charge), 2,000 inbound
events waiting for review and 20,000 queue jobs. It then computes every figure of the
overview (``logistics.overview._overview_data``) several times and prints the first
(cold) and the median time. Goal: < 1 s.

Usage: python3 benchmarks/overview.py [-c ODOO_CONFIG] [--template DB] [-d SCRATCH]
       [--logs 1000000] [--shipments 100000] [--endpoints 5] [--rounds 5]
       [--recreate-template] [--keep]

Without ``-c`` it writes an Odoo configuration for this clone (its ``addons/``,
PostgreSQL from PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432); with ``-c`` the
configuration must name this repository's ``addons/`` in its ``addons_path``.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from logistics_demo.processes import interrupt_on_sigterm

ROOT = Path(__file__).resolve().parents[1]
# The Overview and every addon that puts a business card on it.
ADDONS = (
    "logistics_monitoring,logistics_tms_export,logistics_tms_inbound,logistics_settlement,"
    "logistics_case"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-c", "--config", help="Odoo configuration (default: one written for this clone)"
    )
    parser.add_argument("--template", default="lgx_overview_tpl")
    parser.add_argument("-d", "--database", default="lgx_overview_bench")
    parser.add_argument("--logs", type=int, default=1_000_000)
    parser.add_argument("--shipments", type=int, default=100_000)
    parser.add_argument("--endpoints", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--recreate-template", action="store_true", help="install the template again"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    return parser.parse_args()


def write_config(directory):
    """An Odoo configuration for this clone, PostgreSQL from the libpq environment."""
    lines = [
        "[options]",
        f"addons_path = {ROOT / 'addons'}",
        f"data_dir = {directory}/data",
        f"db_host = {os.environ.get('PGHOST', '127.0.0.1')}",
        f"db_port = {os.environ.get('PGPORT', '5432')}",
    ]
    if os.environ.get("PGUSER"):
        lines.append(f"db_user = {os.environ['PGUSER']}")
    path = Path(directory) / "odoo.conf"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def pg_args():
    import odoo

    config = odoo.tools.config
    args = []
    if config["db_host"]:
        args += ["-h", config["db_host"]]
    if config["db_port"]:
        args += ["-p", str(config["db_port"])]
    if config["db_user"]:
        args += ["-U", config["db_user"]]
    return args


def database_exists(name):
    found = subprocess.run(
        [
            "psql",
            *pg_args(),
            "-d",
            "postgres",
            "-Atc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return found.stdout.strip() == "1"


def ensure_template(args):
    """Install the Overview's addons into the template, or bring them up to this clone's code."""
    exists = database_exists(args.template)
    if exists and args.recreate_template:
        subprocess.run(["dropdb", *pg_args(), args.template], check=True)
        exists = False
    step = "upgrading" if exists else "installing"
    print(f"{step} {ADDONS} in template {args.template} ...", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            args.config,
            "-d",
            args.template,
            "-u" if exists else "-i",
            ADDONS,
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def fresh_scratch(args):
    if database_exists(args.database):
        subprocess.run(["dropdb", *pg_args(), args.database], check=True)
    subprocess.run(["createdb", *pg_args(), "-T", args.template, args.database], check=True)


def fill(env, args):
    """Bulk-insert the history with generate_series (the ORM would take hours)."""
    cr = env.cr
    company = env.company
    endpoints = env["logistics.endpoint"].create(
        [
            {"name": f"Bench TMS {i}", "code": f"bench_tms_{i}", "kind": "tms"}
            for i in range(args.endpoints)
        ]
    )
    env.flush_all()
    ids = endpoints.ids
    started = time.perf_counter()
    cr.execute(
        """
        INSERT INTO logistics_integration_log
               (identifier, direction, endpoint_id, company_id, state, is_failure, attempt,
                duration_ms, create_date, write_date)
        SELECT 'bench-' || g,
               CASE WHEN g %% 2 = 0 THEN 'outbound' ELSE 'inbound' END,
               (%(ids)s::int[])[1 + g %% %(n)s],
               %(company)s,
               CASE WHEN g %% 50 = 0 THEN 'failed' WHEN g %% 97 = 0 THEN 'needs_review'
                    ELSE 'processed' END,
               g %% 50 = 0 OR g %% 97 = 0,
               1,
               CASE WHEN g %% 2 = 0 THEN 20 + (g::bigint * 7919) %% 900 END,
               now() at time zone 'UTC' - (g %% 2592000) * interval '1 second',
               now() at time zone 'UTC'
          FROM generate_series(1, %(logs)s) g
        """,
        {"ids": ids, "n": len(ids), "company": company.id, "logs": args.logs},
    )
    partner = env.ref("base.main_partner").id
    cr.execute(
        """
        INSERT INTO logistics_shipment
               (name, company_id, partner_id, commercial_partner_id, state, export_state,
                invoice_release_state, pod_overdue, estimated_date, correlation_id,
                create_date, write_date)
        SELECT 'BENCH/' || g, %(company)s, %(partner)s, %(partner)s,
               (ARRAY['delivered','delivered','delivered','in_transit','exception',
                      'shipment_planned','draft','cancelled'])[1 + g %% 8],
               (ARRAY['exported','exported','exported','blocked','export_failed'])[1 + g %% 5],
               CASE WHEN g %% 40 = 0 THEN 'on_hold' ELSE 'released' END,
               g %% 100 = 0,
               now() at time zone 'UTC' + ((g %% 20) - 10) * interval '1 day',
               'bench-corr-' || g,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM generate_series(1, %(shipments)s) g
        """,
        {"company": company.id, "partner": partner, "shipments": args.shipments},
    )
    cr.execute(
        """
        INSERT INTO sale_order
               (company_id, partner_id, partner_invoice_id, partner_shipping_id, name,
                date_order, picking_policy, state, invoice_status, logistics_correlation_id,
                create_date, write_date)
        SELECT %(company)s, %(partner)s, %(partner)s, %(partner)s, 'BENCH-SO/' || g,
               now() at time zone 'UTC', 'direct', 'sale',
               CASE WHEN g %% 3 = 0 THEN 'invoiced' ELSE 'to invoice' END, 'bench-corr-' || g,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM generate_series(1, %(shipments)s) g;
        UPDATE logistics_shipment s SET sale_order_id = o.id
          FROM sale_order o WHERE o.logistics_correlation_id = s.correlation_id
        """,
        {"company": company.id, "partner": partner, "shipments": args.shipments},
    )
    cr.execute(
        """
        INSERT INTO logistics_freight_charge
               (shipment_id, company_id, currency_id, charge_type, state, expected_amount,
                actual_amount)
        SELECT s.id, s.company_id, %(currency)s, 'base_freight',
               (ARRAY['approved','approved','approved','pending','on_hold','disputed'])
                   [1 + s.id %% 6],
               100, 100 + s.id %% 13
          FROM logistics_shipment s WHERE s.name LIKE 'BENCH/%%'
        """,
        {"currency": company.currency_id.id},
    )
    cr.execute(
        """
        INSERT INTO logistics_inbound_event
               (endpoint_id, company_id, external_event_id, state, create_date, write_date)
        SELECT (%(ids)s::int[])[1 + g %% %(n)s], %(company)s, 'bench-review-' || g,
               'needs_review', now() at time zone 'UTC' - g * interval '1 minute',
               now() at time zone 'UTC'
          FROM generate_series(1, 2000) g
        """,
        {"ids": ids, "n": len(ids), "company": company.id},
    )
    channels = [endpoint._get_channel_name() for endpoint in endpoints]
    cr.execute(
        """
        INSERT INTO queue_job (uuid, state, channel, date_created)
        SELECT md5('bench-job-' || g),
               (ARRAY['done','done','done','pending','failed','enqueued'])[1 + g %% 6],
               (%(channels)s::varchar[])[1 + g %% %(n)s],
               now() at time zone 'UTC'
          FROM generate_series(1, 20000) g
        """,
        {"channels": channels, "n": len(channels)},
    )
    cr.execute("ANALYZE")
    cr.commit()
    print(f"filled in {time.perf_counter() - started:.1f}s", flush=True)


def measure(env, rounds):
    overview = env["logistics.overview"]
    timings = []
    for __ in range(rounds):
        env.invalidate_all()
        started = time.perf_counter()
        data = overview._overview_data()
        timings.append(time.perf_counter() - started)
    return timings, data


def main():
    args = parse_args()
    interrupt_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="lgx-overview-") as directory:
        if not args.config:
            args.config = write_config(directory)
        run(args)


def run(args):
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    ensure_template(args)
    fresh_scratch(args)
    try:
        registry = Registry(args.database)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            fill(env, args)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            cr.execute("SELECT count(*) FROM logistics_integration_log")
            logs = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM logistics_shipment")
            shipments = cr.fetchone()[0]
            timings, data = measure(env, args.rounds)
        print(f"integration log rows: {logs}, shipments: {shipments}")
        print(f"business figures: {data['business']}")
        busiest = max(data["endpoints"].values(), key=lambda f: f["exchange_count"])
        print(f"busiest endpoint (24 h): {busiest}")
        print(
            f"overview data: first {timings[0] * 1000:.0f} ms, "
            f"median of {len(timings)} {statistics.median(timings) * 1000:.0f} ms (goal < 1000 ms)"
        )
    finally:
        if not args.keep:
            Registry.delete(args.database)
            odoo.sql_db.close_db(args.database)
            subprocess.run(["dropdb", *pg_args(), args.database], check=True)


if __name__ == "__main__":
    main()
