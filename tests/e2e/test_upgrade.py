"""Upgrade of a database made by the last landed release: install the addons as they
were there, upgrade them with this tree's, and find every business record again.

Runs wherever Odoo 18 is importable and the repository's history holds the release.
"""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
from logistics_demo.odoo_instance import OdooUnavailable, odoo_version

try:
    odoo_version()
except OdooUnavailable as exc:
    pytest.skip(f"Odoo 18 is not importable: {exc}", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
# The main that landed before the addons were split (logistics_inbound, logistics_freight)
# and outbound dispatch moved to exchange types.
RELEASE = "1abea7703cb193ab28a80d2e3eedfd5fea590638"
RELEASE_ADDONS = (
    "logistics_integration",
    "logistics_shipment",
    "logistics_tms_export",
    "logistics_tms_inbound",
    "logistics_portal",
)
# Tables whose rows are business data: an upgrade keeps every one of them.
KEPT_TABLES = (
    "logistics_endpoint",
    "logistics_shipment",
    "logistics_milestone",
    "logistics_freight_charge",
    "logistics_carrier_tolerance",
    "logistics_inbound_event",
    "logistics_outbound_message",
    "logistics_integration_log",
    "logistics_masking_rule",
    "logistics_data_ownership",
)
# Configuration the new release adds presets to: what was there is kept.
GROWN_TABLES = ("logistics_inbound_profile", "logistics_status_mapping")


def _pg_params() -> dict[str, str]:
    return {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER", getpass.getuser()),
    }


def _query(database: str, sql: str) -> list[tuple]:
    with psycopg.connect(dbname=database, **_pg_params()) as connection:
        return connection.execute(sql).fetchall()


def _release_addons(target: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", RELEASE, "addons"],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        pytest.skip(
            f"UPGRADE NOT CHECKED: the history does not hold release {RELEASE[:12]} "
            f"(a shallow clone?): {archive.stderr.decode(errors='replace').strip()}"
        )
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target / "addons"


def _config(path: Path, addons: Path) -> Path:
    params = _pg_params()
    path.write_text(
        "[options]\n"
        f"db_host = {params['host']}\ndb_port = {params['port']}\ndb_user = {params['user']}\n"
        f"addons_path = {addons}\ndata_dir = {path.parent / 'data'}\n"
        "server_wide_modules = web\nlog_level = warn\n"
    )
    return path


def _odoo(config: Path, database: str, *args: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "odoo", "-c", str(config), "--stop-after-init", "-d", database]
        + list(args),
        cwd="/",
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = run.stdout + run.stderr
    errors = [line for line in output.splitlines() if " ERROR " in line or " CRITICAL " in line]
    assert run.returncode == 0 and not errors, f"odoo {' '.join(args)} failed:\n{output[-4000:]}"
    return output


@pytest.fixture
def database() -> Iterator[str]:
    name = f"lgx_upgrade_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(dbname="postgres", autocommit=True, **_pg_params()) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _counts(database: str, tables: tuple[str, ...]) -> dict[str, int]:
    return {table: _query(database, f"SELECT count(*) FROM {table}")[0][0] for table in tables}


def test_release_database_upgrades_with_every_record_kept(tmp_path: Path, database: str) -> None:
    old = _config(tmp_path / "release.conf", _release_addons(tmp_path / "release"))
    new = _config(tmp_path / "current.conf", ROOT / "addons")
    _odoo(old, database, "-i", ",".join(RELEASE_ADDONS))
    before = _counts(database, KEPT_TABLES)
    configured = _counts(database, GROWN_TABLES)
    assert before["logistics_shipment"] and before["logistics_milestone"], "demo data installed"

    _odoo(new, database, "-u", ",".join(RELEASE_ADDONS))

    assert _counts(database, KEPT_TABLES) == before
    grown = _counts(database, GROWN_TABLES)
    assert all(grown[table] >= configured[table] for table in GROWN_TABLES), (configured, grown)
    states = dict(
        _query(database, "SELECT name, state FROM ir_module_module WHERE name LIKE 'logistics_%'")
    )
    for addon in (*RELEASE_ADDONS, "logistics_inbound", "logistics_freight"):
        assert states[addon] == "installed", f"{addon} is {states.get(addon)!r} after the upgrade"
    # The moved models keep their tables and now belong to their new addons.
    owners = dict(
        _query(
            database,
            "SELECT name, module FROM ir_model_data WHERE model = 'ir.model' AND name IN "
            "('model_logistics_inbound_event', 'model_logistics_carrier_tolerance')",
        )
    )
    assert owners == {
        "model_logistics_inbound_event": "logistics_inbound",
        "model_logistics_carrier_tolerance": "logistics_freight",
    }
    # Every message of the outbox names its exchange type after the upgrade.
    assert _query(
        database, "SELECT count(*) FROM logistics_outbound_message WHERE interface_id IS NULL"
    ) == [(0,)]
    # Endpoints that received events keep their inbound side (their recipes come from the
    # bridge's TOML through export-endpoints).
    assert _query(
        database,
        "SELECT count(*) FROM logistics_endpoint WHERE inbound_format IS NULL "
        "AND (kind = 'tms' OR logistics_inbound_profile_id IS NOT NULL)",
    ) == [(0,)]
