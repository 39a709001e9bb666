"""Odoo 18's own webhook route as a peer of the bridge, for ``bridge_throughput.py``.

An automation rule with the *On webhook* trigger (``base_automation``) at
``/web/hook/<uuid>`` runs a server action that stores each callback as one record of a
simple model (``x_bench_callback``, made through ``ir.model`` like any model defined in the
interface). Odoo runs as in production: prefork, ``--workers`` HTTP workers, no cron thread,
on a database of its own: created with ``base_automation`` only and no demo data, or copied
from a template (``base_automation`` installed there). Everything it starts is stopped and
the database dropped at the end.
"""

from __future__ import annotations

import getpass
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from logistics_demo.processes import free_port

PG_HOST = os.environ.get("PGHOST", "127.0.0.1")
PG_PORT = os.environ.get("PGPORT", "5432")
PG_USER = os.environ.get("PGUSER") or getpass.getuser()

# Odoo's prefork server starts its gevent process by re-running its own script
# (sys.argv[0]); under `python3 -m odoo` that is odoo/__main__.py, which cannot run as a
# script. A two-line entry point, like odoo-bin, can.
LAUNCHER = """import sys
import odoo.cli
sys.exit(odoo.cli.main())
"""

# The rule and its model, made in the benchmark's database; prints the rule's webhook UUID.
SETUP = """
import sys
import odoo
from odoo import SUPERUSER_ID, api

odoo.tools.config.parse_config(["-c", sys.argv[1]])
registry = odoo.modules.registry.Registry(sys.argv[2])
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    model = env["ir.model"].create({
        "name": "Benchmark callback",
        "model": "x_bench_callback",
        "field_id": [
            (0, 0, {"name": "x_name", "ttype": "char", "field_description": "Event"}),
            (0, 0, {"name": "x_shipment", "ttype": "char", "field_description": "Shipment"}),
            (0, 0, {"name": "x_payload", "ttype": "text", "field_description": "Payload"}),
        ],
    })
    cr.commit()
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    anchor = env["x_bench_callback"].create({"x_name": "rule anchor"})
    rule = env["base.automation"].create({
        "name": "Store benchmark callback",
        "model_id": model.id,
        "trigger": "on_webhook",
        # The rule runs on one record; its action creates the callback's own.
        "record_getter": f"model.browse({anchor.id})",
        "action_server_ids": [(0, 0, {
            "name": "Store the callback",
            "model_id": model.id,
            "state": "code",
            "code": (
                "env['x_bench_callback'].create({'x_name': payload.get('event_id'), "
                "'x_shipment': payload.get('shipment_reference'), 'x_payload': str(payload)})"
            ),
        })],
    })
    cr.commit()
    print("WEBHOOK", rule.webhook_uuid, anchor.id)
"""


class OdooUnusable(Exception):
    """Odoo could not be set up or started for the webhook phase."""


def odoo_importable() -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", "import odoo"], capture_output=True, cwd="/", check=False
    )
    return probe.returncode == 0


class OdooWebhook:
    """A database with the rule, and Odoo serving it; ``url`` is the rule's webhook."""

    def __init__(self, workdir: Path, workers: int, template: str | None) -> None:
        self.workdir = workdir
        self.workers = workers
        self.template = template
        self.database = f"lgx_webhook_bench_{os.getpid()}"
        self.port = free_port()
        self.config = workdir / "odoo-webhook.conf"
        self.log = workdir / "odoo-webhook.log"
        self.url = ""
        self.anchor_id = 0
        self._server: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> OdooWebhook:
        try:
            self._create_database()
            self._configure()
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _odoo(self, *arguments: str, entry: list[str] | None = None) -> list[str]:
        return [
            sys.executable,
            *(entry or ["-m", "odoo"]),
            "-c",
            str(self.config),
            "-d",
            self.database,
            *arguments,
        ]

    def _create_database(self) -> None:
        self.config.write_text(
            "[options]\n"
            f"db_host = {PG_HOST}\ndb_port = {PG_PORT}\ndb_user = {PG_USER}\n"
            f"db_name = {self.database}\ndbfilter = ^{self.database}$\n"
            f"data_dir = {self.workdir / 'odoo-data'}\n"
            "server_wide_modules = web\n"
            f"http_port = {self.port}\nhttp_interface = 127.0.0.1\n"
            f"workers = {self.workers}\nmax_cron_threads = 0\ndb_maxconn = 16\n"
            "log_level = warn\n",
            encoding="utf-8",
        )
        if self.template:
            command = ["createdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER]
            command += ["-T", self.template, self.database]
        else:
            command = self._odoo("-i", "base_automation", "--without-demo=all", "--stop-after-init")
        self._run(command, "creating the database")

    def _configure(self) -> None:
        output = self._run(
            [sys.executable, "-c", SETUP, str(self.config), self.database],
            "creating the webhook rule",
        )
        for line in output.splitlines():
            if line.startswith("WEBHOOK "):
                _, uuid, anchor = line.split()
                self.url = f"/web/hook/{uuid}"
                self.anchor_id = int(anchor)
                return
        raise OdooUnusable(f"the rule was not created; see {self.log}")

    def _start(self) -> None:
        launcher = self.workdir / "odoo_server.py"
        launcher.write_text(LAUNCHER, encoding="utf-8")
        self._server = subprocess.Popen(
            self._odoo("--logfile", str(self.log), entry=[str(launcher)]),
            cwd="/",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self._server.poll() is not None:
                raise OdooUnusable(f"Odoo exited before serving; see {self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.5)
        raise OdooUnusable("Odoo did not start serving in time")

    def _run(self, command: list[str], what: str) -> str:
        with self.log.open("ab") as log:
            result = subprocess.run(
                command, cwd="/", stdout=subprocess.PIPE, stderr=log, check=False
            )
        if result.returncode != 0:
            raise OdooUnusable(f"{what} failed; see {self.log}")
        return result.stdout.decode(errors="replace")

    def stored(self) -> int:
        """Callbacks stored as records (the rule's anchor record left out)."""
        output = self._run(
            [
                "psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", self.database,
                "-tAc", f"SELECT count(*) FROM x_bench_callback WHERE id != {self.anchor_id}",
            ],
            "counting the stored callbacks",
        )  # fmt: skip
        return int(output.strip() or 0)

    def close(self) -> None:
        if self._server is not None and self._server.poll() is None:
            os.killpg(self._server.pid, signal.SIGTERM)
            try:
                self._server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self._server.pid, signal.SIGKILL)
                self._server.wait()
        subprocess.run(
            ["dropdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "--if-exists", "--force",
             self.database],
            check=False,
            capture_output=True,
        )  # fmt: skip
