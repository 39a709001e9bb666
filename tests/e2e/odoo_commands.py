"""Odoo run as commands against a database of a test's own (install, upgrade, shell),
without a server, and PostgreSQL read directly: for the tests that check what an
installation or an upgrade leaves in the database."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row


def pg_params() -> dict[str, str]:
    return {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER", getpass.getuser()),
    }


def write_config(path: Path, addons: Path) -> Path:
    """An Odoo configuration at ``path`` serving ``addons``, its files next to it."""
    params = pg_params()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "[options]\n"
        f"db_host = {params['host']}\ndb_port = {params['port']}\ndb_user = {params['user']}\n"
        f"addons_path = {addons}\ndata_dir = {path.parent / 'data'}\n"
        "server_wide_modules = web\nlog_level = warn\n"
    )
    return path


def run_odoo(
    config: Path, database: str, *args: str, script: str | None = None, timeout: float = 900
) -> str:
    """Runs ``odoo <args>`` (``shell`` with ``script`` on its input) and returns what it
    printed, once it exited cleanly and logged no error."""
    run = subprocess.run(
        [sys.executable, "-m", "odoo", *args, "-c", str(config), "-d", database],
        input=script,
        cwd="/",
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = run.stdout + run.stderr
    errors = [
        line
        for line in output.splitlines()
        if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")
    ]
    assert run.returncode == 0 and not errors, f"odoo {' '.join(args)} failed:\n{output[-4000:]}"
    return output


def query(database: str, sql: str) -> list[tuple]:
    with psycopg.connect(dbname=database, **pg_params()) as connection:
        return connection.execute(sql).fetchall()


def rows_by_id(database: str, table: str) -> dict[int, dict[str, Any]]:
    """Every row of ``table`` by id, each as {column: value}."""
    with psycopg.connect(dbname=database, row_factory=dict_row, **pg_params()) as connection:
        rows = connection.execute(f"SELECT * FROM {table}").fetchall()
    return {row["id"]: row for row in rows}


def drop_database(name: str) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **pg_params()) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
