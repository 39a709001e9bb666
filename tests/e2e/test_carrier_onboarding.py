"""Onboarding carriers by configuration only, as real processes: Odoo and the bridge.

The bridge gets a TOML file with two endpoints (a JSON webhook signed the EasyPost way,
an X12 214 partner with basic auth); Odoo gets, over JSON-RPC as its administrator,
two carrier endpoints with the shipped presets, the bridge's technical user and two
shipments whose deliveries carry the tracking numbers the documents name. The public
sample documents of ``logistics_inbound/tests/samples.py`` then travel bridge -> Odoo
and must become the right milestones on the right shipment.

The database is built with every addon and its demo data; LGX_ONBOARDING_TEST_TEMPLATE
names a database with those addons already installed to copy instead (much faster).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests
from logistics_demo.driver import DemoDriver
from logistics_demo.odoo_instance import ADDONS_DIR, OdooInstance, OdooUnavailable, odoo_version
from logistics_demo.processes import ManagedProcess, free_port

try:
    ODOO_VERSION = odoo_version()
except OdooUnavailable as exc:
    pytest.skip(f"Odoo 18 is not importable: {exc}", allow_module_level=True)

JSON_ENDPOINT = "easypost"
X12_ENDPOINT = "carrier_edi"
EASYPOST_SIGNATURE_PREFIX = "hmac-sha256-hex="
X12_USER = "carrier"
BRIDGE_LOGIN = "tms-bridge"


def _load_samples() -> ModuleType:
    """The addon's public sample documents (a plain module, no Odoo import)."""
    path = ADDONS_DIR / "logistics_inbound" / "tests" / "samples.py"
    spec = importlib.util.spec_from_file_location("logistics_inbound_samples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SAMPLES = _load_samples()


@dataclass
class Stack:
    """The running Odoo and bridge, and what the test configured in them."""

    workdir: Path
    odoo: OdooInstance
    admin: DemoDriver
    bridge_url: str
    bridge_env: dict[str, str]
    json_secret: str
    x12_password: str
    shipments: dict[str, int]
    endpoints: dict[str, int]


def _xmlid(admin: DemoDriver, xmlid: str) -> int:
    module, name = xmlid.split(".")
    [row] = admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
    )
    return row["res_id"]


def _configure_odoo(admin: DemoDriver, bridge_password: str) -> tuple[dict, dict]:
    """What an administrator enters in the UI: endpoints with presets, the bridge's
    user, and two shipments whose deliveries carry the carriers' tracking numbers."""
    endpoints = {
        code: admin.call(
            "logistics.endpoint",
            "create",
            {
                "name": name,
                "code": code,
                "kind": "carrier",
                "logistics_inbound_profile_id": _xmlid(admin, f"logistics_inbound.{preset}"),
                "responsible_user_id": admin.client.uid(),
            },
        )
        for code, name, preset in (
            (JSON_ENDPOINT, "EasyPost tracking", "inbound_profile_easypost"),
            (X12_ENDPOINT, "Road carrier ABCD (EDI)", "inbound_profile_x12_214"),
        )
    }
    admin.call(
        "res.users",
        "create",
        {
            "name": "Logistics Bridge",
            "login": BRIDGE_LOGIN,
            "password": bridge_password,
            "groups_id": [(6, 0, [_xmlid(admin, "logistics_inbound.group_logistics_bridge")])],
        },
    )
    customer = admin.call("res.partner", "create", {"name": "Onboarding Customer"})
    [outgoing] = admin.call(
        "stock.picking.type", "search", [("code", "=", "outgoing")], limit=1, order="id"
    )
    shipments = {}
    for tracking_number in ("EZ4000000004", "PRO123456"):
        picking = admin.call(
            "stock.picking",
            "create",
            {
                "picking_type_id": outgoing,
                "partner_id": customer,
                "carrier_tracking_ref": tracking_number,
            },
        )
        shipments[tracking_number] = admin.call(
            "logistics.shipment", "create", {"partner_id": customer, "picking_id": picking}
        )
    return endpoints, shipments


def _bridge_config(
    path: Path, port: int, odoo: OdooInstance, password: str, json_secret: str, x12: str
) -> None:
    path.write_text(
        f"""\
listen_host = "127.0.0.1"
listen_port = {port}
inbox_url = "sqlite:///{path.parent / "inbox.sqlite3"}"
heartbeat_seconds = 0

[endpoints.{JSON_ENDPOINT}]
format = "json"
event_id_path = "id"
shipment_key_path = "result.tracking_code"
[endpoints.{JSON_ENDPOINT}.auth]
scheme = "hmac"
header = "X-Hmac-Signature"
algorithm = "sha256"
encoding = "hex"
prefix = "{EASYPOST_SIGNATURE_PREFIX}"
secrets = ["{json_secret}"]

[endpoints.{X12_ENDPOINT}]
format = "x12-214"
[endpoints.{X12_ENDPOINT}.auth]
scheme = "basic"
secrets = ["{X12_USER}:{x12}"]

[odoo]
url = "{odoo.url}"
db = "{odoo.database}"
login = "{BRIDGE_LOGIN}"
api_key = "{password}"

[forward]
max_wait_seconds = 0.2
"""
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("onboarding")
    odoo = OdooInstance(workdir, f"lgx_onboard_{uuid.uuid4().hex[:8]}", free_port())
    odoo.write_config("root:2")
    processes: list[ManagedProcess] = []
    try:
        template = os.environ.get("LGX_ONBOARDING_TEST_TEMPLATE")
        if template:
            odoo.copy_database(template)
        else:
            modules = sorted(p.parent.name for p in ADDONS_DIR.glob("*/__manifest__.py"))
            odoo.install(modules, workdir / "odoo-install.log")
        server = ManagedProcess("odoo", odoo.server_command(), workdir / "odoo.log")
        processes.append(server)
        server.start()
        server.wait_http(f"{odoo.url}/web/health", 180)

        admin = DemoDriver(odoo.url, odoo.database, "admin", "admin")
        bridge_password = secrets.token_urlsafe(24)
        endpoints, shipments = _configure_odoo(admin, bridge_password)

        json_secret, x12_password = secrets.token_hex(16), secrets.token_urlsafe(16)
        bridge_port = free_port()
        config = workdir / "bridge" / "bridge.toml"
        config.parent.mkdir()
        _bridge_config(config, bridge_port, odoo, bridge_password, json_secret, x12_password)
        bridge_env = {"LOGISTICS_BRIDGE_CONFIG": str(config)}
        bridge = ManagedProcess(
            "bridge",
            [sys.executable, "-m", "logistics_bridge", "serve"],
            workdir / "bridge.log",
            bridge_env,
        )
        processes.append(bridge)
        bridge.start()
        bridge_url = f"http://127.0.0.1:{bridge_port}"
        bridge.wait_http(f"{bridge_url}/healthz", 60)
        yield Stack(
            workdir,
            odoo,
            admin,
            bridge_url,
            bridge_env,
            json_secret,
            x12_password,
            shipments,
            endpoints,
        )
    finally:
        for process in reversed(processes):
            process.stop()
        odoo.drop_database()


def _codes(admin: DemoDriver, model: str, ids: list[int]) -> dict[int, str]:
    """The technical code of each record of ``model`` named in ``ids``."""
    rows = admin.call(model, "read", sorted(set(ids)), fields=["code"])
    return {row["id"]: row["code"] for row in rows}


def _timeline(admin: DemoDriver, shipment_id: int) -> list[tuple[Any, ...]]:
    milestones = admin.call(
        "logistics.milestone",
        "search_read",
        [("shipment_id", "=", shipment_id)],
        fields=["event_type_id", "raw_code", "location", "event_time", "endpoint_id"],
        order="event_time, id",
    )
    codes = _codes(admin, "logistics.event.type", [m["event_type_id"][0] for m in milestones])
    return [
        (
            codes[m["event_type_id"][0]],
            m["raw_code"],
            m["location"],
            m["event_time"],
            m["endpoint_id"][0],
        )
        for m in milestones
    ]


def _wait_for_milestones(stack: Stack, expected: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    count = 0
    while time.monotonic() < deadline:
        count = stack.admin.call(
            "logistics.milestone",
            "search_count",
            [("shipment_id", "in", list(stack.shipments.values()))],
        )
        if count >= expected:
            return
        time.sleep(0.5)
    raise AssertionError(f"{count} of {expected} milestones reached Odoo in {timeout:.0f}s")


def test_carrier_documents_become_milestones_matched_by_tracking_number(stack: Stack) -> None:
    # EasyPost signs the raw body: HMAC-SHA256, hex, prefixed, in X-Hmac-Signature.
    body = json.dumps(SAMPLES.EASYPOST_TRACKER_UPDATED).encode()
    digest = hmac.new(stack.json_secret.encode(), body, hashlib.sha256).hexdigest()
    answer = requests.post(
        f"{stack.bridge_url}/v1/tms/{JSON_ENDPOINT}/events",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Hmac-Signature": EASYPOST_SIGNATURE_PREFIX + digest,
        },
        timeout=10,
    )
    assert answer.status_code == 202, answer.text

    interchange = SAMPLES.X12_214_INTERCHANGE.encode()
    answer = requests.post(
        f"{stack.bridge_url}/v1/tms/{X12_ENDPOINT}/events",
        data=interchange,
        headers={"Content-Type": "application/edi-x12"},
        auth=(X12_USER, stack.x12_password),
        timeout=10,
    )
    assert answer.status_code == 202, answer.text
    assert answer.headers["Content-Type"].startswith("application/edi-x12")
    acknowledgement = answer.text
    assert "ST*997*" in acknowledgement, acknowledgement
    assert "AK1*QM*101~" in acknowledgement, acknowledgement
    assert "AK9*A*1*1*1~" in acknowledgement, acknowledgement

    _wait_for_milestones(stack, 4)
    admin, easypost, edi = (
        stack.admin,
        stack.endpoints[JSON_ENDPOINT],
        stack.endpoints[X12_ENDPOINT],
    )
    expected = {
        "EZ4000000004": [
            ("shipment_planned", "pre_transit", False, "2014-08-21 14:24:00", easypost),
            (
                "in_transit",
                "in_transit",
                "SOUTH SAN FRANCISCO, CA, US",
                "2014-08-21 14:48:00",
                easypost,
            ),
        ],
        # AT7 times in ET (Eastern, UTC-5 on those days).
        "PRO123456": [
            ("picked_up", "AF", "ATLANTA, GA, US", "2026-03-02 13:00:00", edi),
            ("out_for_delivery", "X6", "CHARLOTTE, NC, US", "2026-03-03 12:15:00", edi),
        ],
    }
    for tracking_number, timeline in expected.items():
        assert _timeline(admin, stack.shipments[tracking_number]) == timeline, tracking_number

    # Neither document names a shipment reference Odoo knows: the tracking number matched.
    shipments = admin.call(
        "logistics.shipment",
        "read",
        list(stack.shipments.values()),
        fields=["name", "tms_reference", "state"],
    )
    assert {s["name"] for s in shipments}.isdisjoint({"EZ4000000004", "PRO123456", "SHP-REF-1"})
    assert {s["state"] for s in shipments} == {"in_transit", "out_for_delivery"}

    inbox = admin.call(
        "logistics.inbound.event",
        "search_read",
        [("endpoint_id", "in", [easypost, edi])],
        fields=["endpoint_id", "interface_id", "document_format", "shipment_id", "state"],
    )
    assert {row["state"] for row in inbox} == {"processed"}, inbox
    interfaces = _codes(admin, "logistics.interface", [row["interface_id"][0] for row in inbox])
    named = {
        (row["endpoint_id"][0], row["document_format"], interfaces[row["interface_id"][0]])
        for row in inbox
    }
    assert named == {
        (easypost, "json", "carrier_tracking_json"),
        (edi, "x12-214", "carrier_tracking_x12_214"),
    }
    assert {row["shipment_id"][0] for row in inbox if row["endpoint_id"][0] == edi} == {
        stack.shipments["PRO123456"]
    }

    # The partner also drops the same interchange as a file: recognised, nothing created.
    dropped = stack.workdir / "ABCD-000000101.edi"
    dropped.write_bytes(interchange)
    acks = stack.workdir / "acks"
    acks.mkdir()
    imported = subprocess.run(
        [
            sys.executable,
            "-m",
            "logistics_bridge",
            "import",
            str(dropped),
            "--endpoint",
            X12_ENDPOINT,
            "--ack-dir",
            str(acks),
        ],
        env=dict(os.environ, **stack.bridge_env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    assert f"{dropped}: 0 event(s) imported, 1 duplicate(s)" in imported.stdout, imported.stdout
    assert "AK9*A*1*1*1~" in (acks / f"{dropped.name}.997").read_text()
    time.sleep(2)  # a forwarding poll or more: anything new would have reached Odoo
    assert _timeline(admin, stack.shipments["PRO123456"]) == expected["PRO123456"]
    assert admin.call(
        "logistics.inbound.event", "search_count", [("endpoint_id", "=", edi)]
    ) == sum(1 for row in inbox if row["endpoint_id"][0] == edi)
