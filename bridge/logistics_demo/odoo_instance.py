"""The demo's Odoo: detection, configuration file, fresh database, setup script."""

from __future__ import annotations

import ast
import getpass
import json
import logging
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from .processes import free_port

_logger = logging.getLogger(__name__)

ADDONS_DIR = Path(__file__).resolve().parents[2] / "addons"
SETUP_SCRIPT = Path(__file__).with_name("odoo_setup_script.py")
ODOO_MAIN = Path(__file__).with_name("odoo_main.py")
# HTTP workers: the bridge's forwarding lanes ingest side by side while the job
# runner's jobs (its root channel's capacity) run on the others.
HTTP_WORKERS = 8
# Odoo's category of addons that only exist to run tests.
TEST_ONLY_CATEGORY = "Hidden/Tests"
# Names a database that already has the demo's addons and their demo data: copying it
# replaces a three-minute install (test runs set it to the database they just tested).
ODOO_TEMPLATE_VARIABLE = "LGX_ODOO_TEMPLATE"


class OdooUnavailable(Exception):
    """Odoo 18 cannot be imported by this interpreter."""


class OdooSetupFailed(Exception):
    """Installing or configuring the demo database failed."""


def demo_addons(addons_dir: Path = ADDONS_DIR) -> list[str]:
    """Names of the addons the demo installs: every addon but those for tests only."""
    names = []
    for manifest_path in sorted(addons_dir.glob("*/__manifest__.py")):
        manifest = ast.literal_eval(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("category") != TEST_ONLY_CATEGORY:
            names.append(manifest_path.parent.name)
    return names


def odoo_version() -> str:
    """Odoo's version as importable by this interpreter; raise OdooUnavailable otherwise."""
    probe = subprocess.run(
        [sys.executable, "-c", "import odoo.release as r; print(r.version, r.version_info[0])"],
        capture_output=True,
        text=True,
        cwd="/",
        check=False,
    )
    if probe.returncode != 0:
        reason = (probe.stderr.strip().splitlines() or ["import odoo failed"])[-1]
        raise OdooUnavailable(reason)
    version, major = probe.stdout.split()
    if major != "18":
        raise OdooUnavailable(f"Odoo {version} is importable, but these addons need 18.0")
    return version


@dataclass
class OdooInstance:
    """Where the demo's Odoo keeps its files and how it reaches PostgreSQL."""

    workdir: Path
    database: str
    http_port: int
    pg_host: str = os.environ.get("PGHOST", "127.0.0.1")
    pg_port: int = int(os.environ.get("PGPORT", "5432"))
    pg_user: str = os.environ.get("PGUSER") or getpass.getuser()
    python: str = sys.executable
    # Further databases the same server serves (and its job runner watches), each named
    # by its JSON-RPC calls: one process instead of one per database.
    served_with: tuple[str, ...] = ()
    # Odoo's websocket process: its default port is taken as soon as a second Odoo runs on
    # the machine, and a process that cannot bind it is spawned again and again.
    gevent_port: int = field(default_factory=free_port)

    @property
    def databases(self) -> tuple[str, ...]:
        return (self.database, *self.served_with)

    @property
    def config_path(self) -> Path:
        return self.workdir / "odoo.conf"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def write_config(self, channels: str) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(
            "\n".join(
                [
                    "[options]",
                    f"db_host = {self.pg_host}",
                    f"db_port = {self.pg_port}",
                    f"db_user = {self.pg_user}",
                    f"addons_path = {ADDONS_DIR}",
                    f"data_dir = {self.workdir / 'filestore'}",
                    f"dbfilter = ^({'|'.join(map(re.escape, self.databases))})$",
                    # base (as Odoo's default has it) serves /jsonrpc to a request that
                    # names one of several databases.
                    "server_wide_modules = base,web,queue_job",
                    f"workers = {HTTP_WORKERS}",
                    "max_cron_threads = 1",
                    "http_interface = 127.0.0.1",
                    f"http_port = {self.http_port}",
                    f"gevent_port = {self.gevent_port}",
                    "limit_time_real = 600",
                    "log_level = info",
                    "",
                    "[queue_job]",
                    f"channels = {channels}",
                    "",
                ]
            )
        )

    def server_command(self) -> list[str]:
        return self._command(self.databases)

    def _command(self, databases: tuple[str, ...]) -> list[str]:
        return [
            self.python,
            str(ODOO_MAIN),
            "-c",
            str(self.config_path),
            "-d",
            ",".join(databases),
        ]

    def drop_database(self) -> None:
        self._execute("postgres", f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def copy_database(self, template: str) -> None:
        """Create the database as a copy of ``template`` (addons already installed)."""
        self._execute("postgres", f'CREATE DATABASE "{self.database}" TEMPLATE "{template}"')

    def backend_pids(self) -> list[int]:
        """Process ids of the PostgreSQL backends connected to the database."""
        rows = self._execute(
            "postgres", "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.database,)
        )
        return [pid for (pid,) in rows]

    def _execute(self, database: str, statement: str, params: tuple = ()) -> list[tuple]:
        """Run ``statement`` in ``database``; the rows it returns, if any."""
        try:
            with psycopg.connect(
                host=self.pg_host,
                port=self.pg_port,
                user=self.pg_user,
                dbname=database,
                autocommit=True,
            ) as connection:
                cursor = connection.execute(statement, params or None)
                return cursor.fetchall() if cursor.description else []
        except psycopg.Error as exc:
            raise OdooSetupFailed(
                f"PostgreSQL at {self.pg_host}:{self.pg_port} as {self.pg_user!r}: {exc}"
            ) from exc

    def install(self, modules: list[str], log_path: Path) -> None:
        """Create the database with ``modules`` and their demo data."""
        self._run_odoo(["-i", ",".join(modules), "--stop-after-init"], log_path)

    def install_missing(self, modules: list[str], log_path: Path) -> None:
        """Install those of ``modules`` a copied database lacks (an older template): Odoo
        is not run at all when every one is installed already."""
        installed = {
            name
            for (name,) in self._execute(
                self.database, "SELECT name FROM ir_module_module WHERE state = 'installed'"
            )
        }
        missing = [module for module in modules if module not in installed]
        if missing:
            _logger.info("%s lacks %s: installing", self.database, ", ".join(missing))
            self.install(missing, log_path)

    def run_setup_script(self, settings: dict[str, str], log_path: Path) -> dict:
        """Configure the database through Odoo's shell; return what the script reports."""
        env = dict(os.environ, LGX_DEMO_SETTINGS=json.dumps(settings))
        with log_path.open("ab") as log:
            result = subprocess.run(
                [
                    self.python,
                    "-m",
                    "odoo",
                    "shell",
                    "-c",
                    str(self.config_path),
                    "-d",
                    self.database,
                    "--no-http",
                    "--log-level=warn",
                ],
                input=SETUP_SCRIPT.read_bytes(),
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
                cwd="/",
                check=False,
            )
        for line in result.stdout.decode(errors="replace").splitlines():
            if line.startswith("LGX_DEMO_RESULT "):
                return json.loads(line.removeprefix("LGX_DEMO_RESULT "))
        raise OdooSetupFailed(f"the setup script reported nothing; see {log_path}")

    def _run_odoo(self, arguments: list[str], log_path: Path) -> None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log:
            result = subprocess.run(
                # An install or update concerns this database alone.
                [*self._command((self.database,)), *arguments],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd="/",
                check=False,
            )
        if result.returncode != 0:
            raise OdooSetupFailed(f"odoo {' '.join(arguments)} failed; see {log_path}")
