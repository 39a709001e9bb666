"""Throughput of the TMS export path through the real queue_job runner.

Creates a throwaway database, installs logistics_tms_export, starts Odoo the
way it runs in production (prefork, one HTTP worker per channel slot, the
queue_job runner in its own process, ``server_wide_modules = web,queue_job``,
channel capacity 4; ``--workers 0`` runs the threaded server instead) and a
local TMS stub on 127.0.0.1 that answers each order in 50 ms, enqueues a
backlog of N exports in one transaction, waits until every outbound message is
sent, and compares with a bare ``requests.post`` loop (4 threads) to the same
stub: it prints both rates and their ratio (target >= 0.7). Before the backlog,
a few exports warm every HTTP worker up (``--warmup``): a worker's first job
builds its per-process caches, which a long-running server did long ago. After
the rates it breaks an export down per channel slot from queue_job's own
timestamps: time inside the job, time between one job's end and the next one's
start on the same worker (a slot's turnaround while workers equal the channel's
capacity; with more workers, idle turns count too), and how long the runner
took to start the first job. ``--statement-log`` names PostgreSQL's log file, readable
here: Odoo's connections then log every statement, and an export's job is broken down
after the TMS call (see ``pg_statement_log``); it needs a role that may set
``log_min_duration_statement``.
Everything it starts is stopped and the database dropped at the end.

Needs Odoo 18 importable by this interpreter, OCA queue_job, and PostgreSQL
(``PGHOST``, ``PGPORT``, ``PGUSER``; default 127.0.0.1:5432 as the current user,
allowed to create databases).

Usage: python3 benchmarks/tms_export_throughput.py [-n 1000] [--delay-ms 50] [--workers 4]
       [--template DB] [--keep-db] [--warmup 8] [--dbfilter] [--statement-log FILE]
"""

import argparse
import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from logistics_demo.processes import free_port, interrupt_on_sigterm
from pg_statement_log import after_the_call, read_statements
from procstat import group_cpu_seconds

CAPACITY = 4
PG_HOST = os.environ.get("PGHOST", "127.0.0.1")
PG_PORT = os.environ.get("PGPORT", "5432")
PG_USER = os.environ.get("PGUSER") or getpass.getuser()
ENDPOINT_CODE = "bench_tms"


class StubHandler(BaseHTTPRequestHandler):
    """A TMS that takes ``delay`` seconds per order and answers 201."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    delay = 0.05
    counter = 0
    lock = threading.Lock()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(self.delay)
        with StubHandler.lock:
            StubHandler.counter += 1
            number = StubHandler.counter
        body = json.dumps({"planning_reference": f"BENCH-{number}"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Silence the per-request log."""


def bare_requests(url, count, threads):
    """Requests per second of plain requests.post calls, ``threads`` at a time."""
    import requests

    local = threading.local()
    body = json.dumps({"order_reference": "bare"})

    def call(_index):
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        response = session.post(
            url,
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=(5, 30),
        )
        response.raise_for_status()

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(call, range(count)))
    return count / (time.monotonic() - start)


def write_config(
    path, db, http_port, gevent_port, data_dir, addons_path, workers=0, dbfilter=False
):
    # db_name alone, as odoo.conf.example: with a dbfilter, Odoo lists the databases
    # over a new PostgreSQL connection for every request without a session, and each
    # job the runner starts is one.
    db_filter = f"dbfilter = ^{db}$\n" if dbfilter else ""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(
            "[options]\n"
            f"db_host = {PG_HOST}\n"
            f"db_port = {PG_PORT}\n"
            f"db_user = {PG_USER}\n"
            f"db_name = {db}\n"
            f"{db_filter}"
            f"addons_path = {addons_path}\n"
            f"data_dir = {data_dir}\n"
            "server_wide_modules = web,queue_job\n"
            f"http_port = {http_port}\n"
            f"gevent_port = {gevent_port}\n"
            "http_interface = 127.0.0.1\n"
            f"workers = {workers}\n"
            "max_cron_threads = 0\n"
            "db_maxconn = 32\n"
            "log_level = warn\n"
            "\n[queue_job]\n"
            f"channels = root:{CAPACITY}\n"
        )


# Odoo's prefork server starts its gevent process by re-running its own script
# (sys.argv[0]); under `python3 -m odoo` that is odoo/__main__.py, which cannot run
# as a script. A two-line entry point, like odoo-bin, can.
LAUNCHER = """import os, sys
os.environ["TZ"] = "UTC"
import odoo.cli
sys.exit(odoo.cli.main())
"""


def odoo_command(config_path, db, *extra, launcher=None):
    entry = [launcher] if launcher else ["-m", "odoo"]
    return [sys.executable, *entry, "-c", config_path, "-d", db, *extra]


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ODOO_QUEUE_JOB")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def open_registry(config_path, db):
    import odoo

    odoo.tools.config.parse_config(["-c", config_path])
    return odoo.modules.registry.Registry(db)


def bench_endpoint(env, stub_url):
    """The stub's TMS endpoint, the company's TMS, created on first use."""
    endpoint = env["logistics.endpoint"].search([("code", "=", ENDPOINT_CODE)])
    if endpoint:
        return endpoint
    endpoint = env["logistics.endpoint"].create(
        {
            "name": "Benchmark TMS",
            "code": ENDPOINT_CODE,
            "kind": "tms",
            "environment": "test",
            "base_url": stub_url,
            "auth_scheme": "api_key",
            "auth_secret": "bench-key",
            "max_retries": 5,
        }
    )
    env.company.logistics_tms_endpoint_id = endpoint
    return endpoint


def seed_backlog(registry, stub_url, count):
    """Enqueue ``count`` TMS exports in one committed transaction.

    Returns the time of the commit (monotonic and UTC) and the id of the last queue job
    before the backlog's."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        cr.execute("SELECT COALESCE(max(id), 0) FROM queue_job")
        after_job_id = cr.fetchone()[0]
        endpoint = bench_endpoint(env, stub_url)
        partner = env["res.partner"].create(
            {
                "name": "Bench Customer",
                "street": "Rue de la Loi 16",
                "city": "Brussels",
                "zip": "1000",
                "country_id": env.ref("base.be").id,
                "phone": "+32 2 555 01 01",
            }
        )
        shipments = env["logistics.shipment"].create(
            [{"partner_id": partner.id} for _index in range(count)]
        )
        message_model = env["logistics.outbound.message"]
        for shipment in shipments:
            payload = {
                "schema": "tms-order",
                "schema_version": 1,
                "payload_version": 1,
                "order_reference": shipment.name,
                "correlation_id": shipment.correlation_id,
                "requested_date": "2026-12-03",
                "ship_to": {
                    "name": partner.name,
                    "street": partner.street,
                    "city": partner.city,
                    "zip": partner.zip,
                    "country_code": "BE",
                },
                "contact": {"name": partner.name, "phone": partner.phone},
                "lines": [
                    {"line_id": "1", "product_code": "WID-1", "quantity": 2, "weight_kg": 25.0}
                ],
                "total_weight_kg": 25.0,
            }
            message_model._enqueue(
                endpoint,
                "tms_order_create",
                shipment,
                payload,
                "/v1/orders",
                schema_version="tms-order/1",
            )
            shipment.write(
                {"tms_endpoint_id": endpoint.id, "export_version": 1, "export_state": "queued"}
            )
        cr.commit()
        return time.monotonic(), datetime.now(UTC).replace(tzinfo=None), after_job_id


def wait_backlog(registry, after_job_id, count, timeout):
    """Wait until the ``count`` messages whose jobs follow ``after_job_id`` are sent or
    failed, or ``timeout`` seconds; return their states."""
    deadline = time.monotonic() + timeout
    states = {}
    while time.monotonic() < deadline:
        with registry.cursor() as cr:
            cr.execute(
                "SELECT state, count(*) FROM logistics_outbound_message "
                "WHERE job_id > %s GROUP BY state",
                (after_job_id,),
            )
            states = dict(cr.fetchall())
        if states.get("sent", 0) + states.get("failed", 0) >= count:
            break
        time.sleep(0.2)
    return states


def warm_up(registry, stub_url, count, workers, timeout):
    """Run batches of ``count`` exports until ``workers`` HTTP workers each ran one
    (at most 10 batches); return how many exports ran."""
    done = 0
    for _batch in range(10):
        *_committed, after_job_id = seed_backlog(registry, stub_url, count)
        wait_backlog(registry, after_job_id, count, timeout)
        done += count
        with registry.cursor() as cr:
            cr.execute(
                "SELECT count(DISTINCT worker_pid) FROM queue_job "
                "WHERE model_name = 'logistics.outbound.message' AND state = 'done'"
            )
            if cr.fetchone()[0] >= workers:
                break
    return done


def install(config_path, db):
    print(f"database {db}: installing logistics_tms_export (no demo)...", flush=True)
    started = time.monotonic()
    subprocess.run(
        odoo_command(
            config_path,
            db,
            "-i",
            "logistics_tms_export",
            "--without-demo=all",
            "--stop-after-init",
        ),
        check=True,
        env=clean_env(),
        stdout=subprocess.DEVNULL,
    )
    print(f"installed in {time.monotonic() - started:.0f} s", flush=True)


def slot_breakdown(registry, after_job_id, committed_at):
    """Per-export times of the backlog's jobs (ids after ``after_job_id``) from
    queue_job's timestamps, in ms: inside the job (queue_job's exec_time, from marking
    it started to marking it done), between one job's end and the next one's start on
    the same worker (commit, HTTP answer, the runner's dispatch of the next job and
    queue_job's start), and from the backlog's commit (``committed_at``, UTC) to its
    first job's start."""
    with registry.cursor() as cr:
        cr.execute(
            """
            WITH jobs AS (
                SELECT date_started, exec_time,
                       date_started - lag(date_done) OVER (
                           PARTITION BY worker_pid ORDER BY date_started
                       ) AS gap
                  FROM queue_job
                 WHERE id > %s AND state = 'done'
                   AND model_name = 'logistics.outbound.message'
            )
            SELECT avg(exec_time) * 1000,
                   avg(EXTRACT(EPOCH FROM gap)) * 1000,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM gap)) * 1000,
                   EXTRACT(EPOCH FROM min(date_started) - %s) * 1000
              FROM jobs
            """,
            (after_job_id, committed_at),
        )
        return cr.fetchone()


def pg_sessions(registry, db):
    """PostgreSQL sessions opened so far to ``db`` and to the ``postgres`` database
    (where Odoo lists databases)."""
    with registry.cursor() as cr:
        cr.execute(
            "SELECT COALESCE(sum(sessions), 0) FROM pg_stat_database "
            "WHERE datname IN ('postgres', %s)",
            (db,),
        )
        return cr.fetchone()[0]


def wait_http(port, process, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("Odoo exited before serving")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("Odoo did not start serving in time")


def print_after_the_call(statements):
    """Medians of an export's job from the TMS call's end to its final commit."""
    tail = after_the_call(statements)
    if not tail.jobs:
        print("statement log                 : no export job found (is the file PostgreSQL's?)")
        return
    print(
        f"after the TMS call            : {tail.median_ms:7.1f} ms until the final commit "
        f"(median of {tail.jobs} jobs, {tail.median_statements:.0f} statements)"
    )
    # Less than the median of the whole: a job's waits for a CPU fall on a few of its
    # steps, a different few in every job, and no step's median holds them.
    steps_ms = sum(step.gap_ms + step.sql_ms for step in tail.steps)
    print(f"  the steps' medians add up to {steps_ms:.1f} ms:")
    for step in tail.steps:
        print(f"  {step.gap_ms:5.2f} ms before, {step.sql_ms:5.2f} ms in SQL: {step.label}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=1000)
    parser.add_argument("--delay-ms", type=float, default=50.0)
    parser.add_argument(
        "--workers",
        type=int,
        default=CAPACITY,
        help="Odoo HTTP workers, one per channel slot by default (Odoo's production "
        "mode, the job runner in its own process); 0 = threaded server, runner as a thread",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the database for analysis")
    parser.add_argument(
        "--template",
        help="copy this database (logistics_tms_export installed, no backlog) instead of "
        "installing a new one",
    )
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds to wait for the backlog"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=2 * CAPACITY,
        help="exports per warm-up batch, run until every HTTP worker ran one (0: none, "
        "the workers' first jobs are measured)",
    )
    parser.add_argument(
        "--dbfilter",
        action="store_true",
        help="also set dbfilter, as a server of several databases does: Odoo then lists "
        "the databases over a new PostgreSQL connection for every job's request",
    )
    parser.add_argument(
        "--statement-log",
        metavar="FILE",
        help="PostgreSQL's log file: Odoo logs every statement there, and each export's "
        "job is broken down after the TMS call, statement by statement",
    )
    args = parser.parse_args()
    interrupt_on_sigterm()

    check = subprocess.run(
        [sys.executable, "-c", "import odoo"], capture_output=True, env=clean_env(), check=False
    )
    if check.returncode != 0:
        print("Odoo is not importable by python3 (import odoo failed); nothing to measure.")
        return 0

    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    addons_path = os.path.join(repo, "addons")
    db = f"lgx_out_bench_{os.getpid()}"
    workdir = tempfile.mkdtemp(prefix="lgx-bench-")
    config_path = os.path.join(workdir, "odoo.conf")
    http_port = free_port()
    write_config(
        config_path,
        db,
        http_port,
        free_port(),
        os.path.join(workdir, "data"),
        addons_path,
        args.workers,
        args.dbfilter,
    )

    StubHandler.delay = args.delay_ms / 1000.0
    stub = ThreadingHTTPServer(("127.0.0.1", 0), StubHandler)
    stub.daemon_threads = True
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    stub_url = f"http://127.0.0.1:{stub.server_address[1]}"

    server = None
    registry = None
    try:
        if args.template:
            print(f"database {db}: copy of {args.template}", flush=True)
            subprocess.run(
                ["createdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-T", args.template, db],
                check=True,
            )
        else:
            install(config_path, db)

        bare_rate = bare_requests(stub_url + "/v1/orders", min(args.count, 400), CAPACITY)

        launcher = os.path.join(workdir, "odoo_server.py")
        with open(launcher, "w", encoding="utf-8") as handle:
            handle.write(LAUNCHER)
        server_env = clean_env()
        if args.statement_log:
            server_env["PGOPTIONS"] = "-c log_min_duration_statement=0"
        server = subprocess.Popen(
            odoo_command(
                config_path, db, "--logfile", os.path.join(workdir, "odoo.log"), launcher=launcher
            ),
            env=server_env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_http(http_port, server)
        time.sleep(2)  # let the job runner connect and listen

        registry = open_registry(config_path, db)
        if args.warmup:
            warmed = warm_up(registry, stub_url, args.warmup, args.workers or 1, args.timeout)
            print(f"warm-up: {warmed} exports", flush=True)

        cpu_before = group_cpu_seconds(server.pid)
        sessions_before = pg_sessions(registry, db)
        log_offset = os.path.getsize(args.statement_log) if args.statement_log else 0
        seed_start = time.monotonic()
        committed, committed_at, after_job_id = seed_backlog(registry, stub_url, args.count)
        print(
            f"backlog of {args.count} exports enqueued in {committed - seed_start:.1f} s",
            flush=True,
        )
        states = wait_backlog(registry, after_job_id, args.count, args.timeout)
        elapsed = time.monotonic() - committed
        cpu_after = group_cpu_seconds(server.pid)
        time.sleep(1)  # PostgreSQL publishes its session counts within a second
        sessions = pg_sessions(registry, db) - sessions_before
        sent = states.get("sent", 0)
        rate = sent / elapsed if elapsed else 0.0
        slot_odoo = CAPACITY / rate * 1000 if rate else float("inf")
        slot_bare = CAPACITY / bare_rate * 1000
        mode = f"{args.workers} workers" if args.workers else "threaded"
        print(
            f"TMS stub answer time          : {args.delay_ms:.0f} ms, channel capacity "
            f"{CAPACITY}, Odoo {mode}, {os.cpu_count()} CPUs"
        )
        print(
            f"bare requests.post, {CAPACITY} threads : {bare_rate:7.1f} req/s "
            f"({slot_bare:.1f} ms per request per thread)"
        )
        print(
            f"Odoo outbox + queue_job       : {rate:7.1f} exports/s "
            f"({sent} sent, {states.get('failed', 0)} failed, "
            f"{states.get('pending', 0)} pending, {elapsed:.1f} s)"
        )
        print(
            f"per-export overhead           : {slot_odoo - slot_bare:7.1f} ms "
            f"({slot_odoo:.1f} ms per export per channel slot)"
        )
        in_job, gap, gap_median, first_start = slot_breakdown(registry, after_job_id, committed_at)
        print(
            f"per slot, inside the job      : {in_job or 0:7.1f} ms (queue_job exec_time, "
            f"{args.delay_ms:.0f} of it the stub)"
        )
        # The threaded server's jobs all carry its one process id: no turnaround per slot.
        if args.workers:
            print(
                f"per slot, between two jobs    : {gap or 0:7.1f} ms (median "
                f"{gap_median or 0:.1f}; commit, answer, the runner's dispatch, queue_job's start)"
            )
        print(f"backlog commit to first start : {first_start or 0:7.1f} ms")
        if cpu_before is not None and cpu_after is not None and sent:
            print(
                f"Odoo server CPU per export     : "
                f"{(cpu_after - cpu_before) / sent * 1000:7.1f} ms (runner, HTTP and job)"
            )
        if sent:
            print(
                f"PostgreSQL sessions per export: {sessions / sent:7.2f} (new connections "
                "opened while the backlog ran)"
            )
        if args.statement_log:
            print_after_the_call(read_statements(args.statement_log, log_offset, db))
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"load average (1, 5, 15 min)   : {load} (machine shared with other runs)")
        print(
            f"ratio Odoo / bare             : {rate / bare_rate:7.2f} "
            f"(target >= 0.7: {'met' if rate >= 0.7 * bare_rate else 'NOT met'})"
        )
        return 0 if sent == args.count else 1
    finally:
        if server and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        stub.shutdown()
        stub.server_close()
        if registry is not None:
            import odoo

            odoo.sql_db.close_db(db)
        if args.keep_db:
            print(f"kept database {db}")
        else:
            drop = subprocess.run(
                ["dropdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "--if-exists", db],
                check=False,
                capture_output=True,
            )
            if drop.returncode != 0:
                print(f"could not drop {db}: {drop.stderr.decode().strip()}")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
