"""Onboarding carriers by configuration only, in Odoo only, as real processes.

Over JSON-RPC as its administrator, Odoo gets two carrier endpoints with the shipped
presets and their inbound side (a JSON webhook signed the EasyPost way, an X12 214
partner with basic auth) with secrets Odoo generates, and two shipments whose deliveries
carry the tracking numbers the documents name. The bridge's TOML holds its process
settings and the ``[odoo]`` table of *Connect a bridge*, no endpoint: it serves both
endpoints from Odoo's registry. The public sample documents of
``logistics_inbound/tests/samples.py`` then travel bridge -> Odoo and must become the
right milestones on the right shipment.

The database is built with every addon and its demo data, or copied from
LGX_ODOO_TEMPLATE (see conftest.py).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests
from logistics_demo.driver import DemoDriver
from logistics_demo.odoo_instance import ADDONS_DIR
from logistics_demo.stack import Bridge, BridgeFleet, OdooServer

JSON_ENDPOINT = "easypost"
X12_ENDPOINT = "carrier_edi"
EASYPOST_SIGNATURE_PREFIX = "hmac-sha256-hex="


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
    admin: DemoDriver
    bridge: Bridge
    json_secret: str
    x12_credentials: tuple[str, str]
    shipments: dict[str, int]
    endpoints: dict[str, int]


# Per endpoint: name, preset, inbound side, its one recipe.
CARRIERS = {
    JSON_ENDPOINT: (
        "EasyPost tracking",
        "inbound_profile_easypost",
        {
            "inbound_format": "json",
            "event_id_path": "id",
            "ordering_key_path": "result.tracking_code",
        },
        {
            "name": "EasyPost HMAC",
            "scheme": "hmac",
            "header": "X-Hmac-Signature",
            "hmac_algorithm": "sha256",
            "encoding": "hex",
            "prefix": EASYPOST_SIGNATURE_PREFIX,
        },
    ),
    X12_ENDPOINT: (
        "Road carrier ABCD (EDI)",
        "inbound_profile_x12_214",
        {"inbound_format": "x12-214"},
        {"name": "EDI partner login", "scheme": "basic"},
    ),
}


def _configure_odoo(admin: DemoDriver) -> tuple[dict[str, int], dict[str, str], dict[str, int]]:
    """What an administrator enters in the UI: endpoints with presets, their inbound side
    and a secret Odoo generates for each, and two shipments whose deliveries carry the
    carriers' tracking numbers."""
    endpoints, secrets = {}, {}
    for code, (name, preset, inbound, recipe) in CARRIERS.items():
        endpoints[code] = admin.call(
            "logistics.endpoint",
            "create",
            {
                "name": name,
                "code": code,
                "kind": "carrier",
                "logistics_inbound_profile_id": admin.xmlid(f"logistics_inbound.{preset}"),
                "responsible_user_id": admin.client.uid(),
                **inbound,
                "auth_recipe_ids": [(0, 0, recipe)],
            },
        )
        [recipe_id] = admin.call(
            "logistics.auth.recipe", "search", [("endpoint_id", "=", endpoints[code])]
        )
        secrets[code] = admin.new_secret(recipe_id)
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
    return endpoints, secrets, shipments


@pytest.fixture(scope="module")
def stack(odoo_server: OdooServer, bridges: BridgeFleet) -> Iterator[Stack]:
    admin = odoo_server.admin
    endpoints, secrets, shipments = _configure_odoo(admin)
    bridge = bridges.start("onboarding", admin.connect_bridge())
    for code in endpoints:
        bridge.process.wait_endpoint(bridge.url, code, 30)
    user, password = secrets[X12_ENDPOINT].split(":", 1)
    yield Stack(
        odoo_server.instance.workdir,
        admin,
        bridge,
        secrets[JSON_ENDPOINT],
        (user, password),
        shipments,
        endpoints,
    )


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
        f"{stack.bridge.url}/v1/in/{JSON_ENDPOINT}",
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
        f"{stack.bridge.url}/v1/in/{X12_ENDPOINT}",
        data=interchange,
        headers={"Content-Type": "application/edi-x12"},
        auth=stack.x12_credentials,
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
        fields=["endpoint_id", "exchange_type_id", "document_format", "shipment_id", "state"],
    )
    assert {row["state"] for row in inbox} == {"processed"}, inbox
    exchange_types = _codes(
        admin, "logistics.exchange.type", [row["exchange_type_id"][0] for row in inbox]
    )
    named = {
        (row["endpoint_id"][0], row["document_format"], exchange_types[row["exchange_type_id"][0]])
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
    # Without an endpoint block in its TOML the command is told the file's format.
    imported = stack.bridge.command(
        "import",
        str(dropped),
        "--endpoint",
        X12_ENDPOINT,
        "--format",
        "x12-214",
        "--ack-dir",
        str(acks),
    )
    assert imported.returncode == 0, imported.stderr
    assert f"{dropped}: 0 event(s) imported, 1 duplicate(s)" in imported.stdout, imported.stdout
    digest = hashlib.sha256(interchange).hexdigest()[:12]
    assert "AK9*A*1*1*1~" in (acks / f"{dropped.name}.{digest}.997").read_text()
    time.sleep(2)  # a forwarding poll or more: anything new would have reached Odoo
    assert _timeline(admin, stack.shipments["PRO123456"]) == expected["PRO123456"]
    assert admin.call(
        "logistics.inbound.event", "search_count", [("endpoint_id", "=", edi)]
    ) == sum(1 for row in inbox if row["endpoint_id"][0] == edi)
