"""A configuration bundle promoted between two real databases served by one Odoo: the
source registered as production, the target a copy of it with a new database
id (as Odoo's database manager gives a copy), so a test database.

Over JSON-RPC, as Integration Administrators do: a production endpoint and an exchange
type's SLA target are configured in the source and exported (no secret in the file);
the target's administrator imports it, cannot approve their own request, a second
administrator approves and applies it; the environment guard keeps the target from ever
calling the production URL. Then a contract version saved in the target waits for the
second administrator before it is live.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from logistics_bridge.exceptions import OdooRpcError
from logistics_demo.change_control import (
    REQUEST_MODEL,
    export_bundle,
    promote,
    read_request,
    second_administrator,
)
from logistics_demo.driver import DemoDriver
from logistics_demo.odoo_instance import ADDONS_DIR, ODOO_TEMPLATE_VARIABLE, OdooInstance
from logistics_demo.processes import ManagedProcess, free_port
from logistics_demo.stack import OdooServer
from odoo_commands import pg_params

ADDON = "logistics_change_control"
PRODUCTION_URL = "https://tms.production.example.com"
SECRET = "prod-api-key-never-exported"
PRODUCTION_PARAM = "logistics_integration.production_database_uuid"


@pytest.fixture(scope="module")
def databases(
    tmp_path_factory: pytest.TempPathFactory, in_background: Callable[[Callable[[], object]], None]
) -> Iterator[tuple[OdooServer, OdooServer]]:
    """(source, target): two databases with change control, served by one Odoo (its
    JSON-RPC calls name the database)."""
    suffix = uuid.uuid4().hex[:8]
    workdir = tmp_path_factory.mktemp("promotion")
    target = OdooInstance(workdir, f"lgx_promo_tgt_{suffix}", free_port())
    source = OdooInstance(
        workdir, f"lgx_promo_src_{suffix}", target.http_port, served_with=(target.database,)
    )
    process = ManagedProcess("odoo", source.server_command(), workdir / "odoo.log")
    servers = [
        OdooServer(instance, process, DemoDriver(instance.url, instance.database, "admin", "admin"))
        for instance in (source, target)
    ]
    try:
        source.write_config("root:1")
        template = os.environ.get(ODOO_TEMPLATE_VARIABLE)
        if template:
            source.copy_database(template)
            source.install_missing([ADDON], workdir / "install.log")
        else:
            modules = sorted(p.parent.name for p in Path(ADDONS_DIR).glob("*/__manifest__.py"))
            source.install(modules, workdir / "install.log")
        target.copy_database(source.database)
        with psycopg.connect(dbname=target.database, **pg_params()) as connection:
            connection.execute(
                "UPDATE ir_config_parameter SET value = %s WHERE key = 'database.uuid'",
                (str(uuid.uuid1()),),
            )
        servers[0].start()
        yield servers[0], servers[1]
    finally:

        def stop_and_drop() -> None:
            process.stop()
            for instance in (source, target):
                instance.drop_database()

        in_background(stop_and_drop)


def test_bundle_promoted_after_a_second_administrators_approval(
    databases: tuple[OdooServer, OdooServer],
) -> None:
    source, target = databases
    src = source.admin
    src.call(
        "ir.config_parameter",
        "set_param",
        PRODUCTION_PARAM,
        src.call("ir.config_parameter", "get_param", "database.uuid"),
    )
    endpoint_id = src.call(
        "logistics.endpoint",
        "create",
        {
            "name": "Production TMS",
            "code": "prod_tms",
            "kind": "tms",
            "environment": "production",
            "base_url": PRODUCTION_URL,
            "auth_scheme": "api_key",
            "auth_secret": SECRET,
        },
    )
    [order_type] = src.call(
        "logistics.exchange.type",
        "search_read",
        [("endpoint_id.code", "=", "demo_tms"), ("code", "=", "tms_order_create")],
        ["id"],
    )
    src.call("logistics.exchange.type", "write", [order_type["id"]], {"sla_max_failure_rate": 3.5})

    document = export_bundle(src)
    assert document["environment"] == "production"
    assert SECRET not in json.dumps(document)
    assert endpoint_id  # created in the source only

    requester = target.admin
    approver = second_administrator(requester, target.url, target.instance.database)
    # the requester may not approve their own request
    own = requester.call(REQUEST_MODEL, "import_bundle", json.dumps(document))
    with pytest.raises(OdooRpcError, match="second Integration Administrator"):
        requester.call(REQUEST_MODEL, "action_approve", [own])
    requester.call(REQUEST_MODEL, "action_cancel", [own])

    promotion = promote(document, requester, approver, target=target.instance.database)
    print(promotion.line())
    assert promotion.state == "applied"
    # the new endpoint and its exchange types
    assert promotion.new == sum(1 for entry in document["records"] if _names_prod_tms(entry))
    assert promotion.changed == 1  # the SLA target
    assert "production" in promotion.guard_note

    [copy] = requester.call(
        "logistics.endpoint",
        "search_read",
        [("code", "=", "prod_tms"), ("active", "in", [True, False])],
        ["active", "base_url", "environment"],
    )
    assert copy["active"] is False and copy["base_url"] is False
    [promoted] = requester.call(
        "logistics.exchange.type",
        "search_read",
        [("endpoint_id.code", "=", "demo_tms"), ("code", "=", "tms_order_create")],
        ["sla_max_failure_rate", "schema_version"],
    )
    assert promoted["sla_max_failure_rate"] == 3.5

    # a new contract version waits for the second administrator
    requester.call("logistics.exchange.type", "write", [promoted["id"]], {"schema_version": "2"})
    [held] = requester.call(
        REQUEST_MODEL,
        "search",
        [("kind", "=", "record"), ("state", "=", "to_approve")],
    )
    assert _schema_version(requester, promoted["id"]) == "1"
    approver.call(REQUEST_MODEL, "action_approve", [held])
    assert read_request(requester, held)["state"] == "applied"
    assert _schema_version(requester, promoted["id"]) == "2"


def _schema_version(driver: DemoDriver, exchange_type_id: int) -> str:
    [row] = driver.call("logistics.exchange.type", "read", [exchange_type_id], ["schema_version"])
    return row["schema_version"]


def _names_prod_tms(entry: dict) -> bool:
    key = entry["key"]
    return (
        key.get("code") == "prod_tms"
        if entry["model"] == "logistics.endpoint"
        else ((key.get("endpoint_id") or {}).get("key") == {"code": "prod_tms"})
    )
