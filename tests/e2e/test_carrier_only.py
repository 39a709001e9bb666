"""A carrier-only installation: every addon that does not need a TMS, installed alone on a
fresh database, handles a carrier's exception through a service case.

Runs wherever Odoo 18 is importable.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import psycopg
from odoo_commands import pg_params, run_odoo, write_config

ADDONS = Path(__file__).resolve().parents[2] / "addons"
TMS_ADDONS = {"logistics_tms_export", "logistics_tms_inbound"}
RESULT_PREFIX = "LGX_CARRIER_ONLY "
# A carrier reports a refusal through its own JSON format; a case rule turns it into a
# refusal case, which a person resolves.
EXCEPTION_THROUGH_A_CASE = f"""
import json

profile = env["logistics.inbound.profile"].create({{
    "name": "Parcel carrier", "document_format": "json", "path_event_id": "event_id",
    "path_event_type": "=status", "path_shipment_reference": "document.ref",
    "path_status_code": "document.status", "path_event_time": "document.at",
    "shipment_match_order": "shipment",
}})
refused = env.ref("logistics_integration.event_type_exception_raised")
env["logistics.status.mapping"].create({{
    "profile_id": profile.id, "raw_code": "REFUSED", "event_type_id": refused.id,
    "action_required": True,
}})
carrier = env["logistics.endpoint"].create({{
    "name": "Parcel carrier", "code": "parcel_carrier", "kind": "carrier",
    "logistics_inbound_profile_id": profile.id,
    "responsible_user_id": env.ref("base.user_admin").id,
}})
env["logistics.case.rule"].create({{
    "endpoint_id": carrier.id, "raw_code": "REFUSED",
    "case_type_id": env.ref("logistics_case.case_type_refusal").id,
}})
customer = env["res.partner"].create({{"name": "Acme Retail", "email": "ops@acme.example"}})
shipment = env["logistics.shipment"].create({{"partner_id": customer.id}})
bridge = env["res.users"].create({{
    "name": "Carrier bridge", "login": "carrier_bridge",
    "groups_id": [(6, 0, [env.ref("logistics_inbound.group_logistics_bridge").id])],
}})
answers = env["logistics.ingest"].with_user(bridge).ingest_events(carrier.code, [{{
    "event_id": "refusal-1", "format": "json", "received_at": "2026-03-03T09:00:00+00:00",
    "correlation_id": None,
    "document": {{"ref": shipment.name, "status": "REFUSED", "at": "2026-03-02T10:00:00Z"}},
}}])
exception_type = env.ref("logistics_inbound.mail_activity_type_shipment_exception")
exception_activities = lambda: shipment.activity_ids.filtered(
    lambda a: a.activity_type_id == exception_type
)
result = {{
    "answer": answers[0]["result"],
    "state": shipment.state,
    "raised": shipment.action_required,
    "activities": len(exception_activities()),
    "case_type": shipment.case_ids.case_type_id.get_external_id().get(
        shipment.case_ids.case_type_id.id
    ),
}}
shipment.case_ids.write({{"resolution": "no_action", "resolution_reason": "Customer re-booked"}})
shipment.case_ids.action_resolve()
result.update(
    case_state=shipment.case_ids.state,
    cleared=not shipment.action_required,
    activities_left=len(exception_activities()),
)
print({RESULT_PREFIX!r} + json.dumps(result))
"""


def _depends(addon: str) -> list[str]:
    manifest = ast.literal_eval((ADDONS / addon / "__manifest__.py").read_text())
    return manifest.get("depends", [])


def _needs_tms(addon: str) -> bool:
    return addon in TMS_ADDONS or any(
        _needs_tms(dep) for dep in _depends(addon) if (ADDONS / dep).is_dir()
    )


def carrier_only_addons() -> list[str]:
    """Every addon of the tree that needs no TMS addon, however indirectly."""
    addons = sorted(p.parent.name for p in ADDONS.glob("*/__manifest__.py"))
    return [addon for addon in addons if not _needs_tms(addon)]


def test_the_addon_set_leaves_out_only_what_needs_a_tms() -> None:
    addons = carrier_only_addons()
    assert {"logistics_inbound", "logistics_case", "logistics_portal"} <= set(addons)
    assert not TMS_ADDONS & set(addons)


def test_carrier_only_installation_handles_an_exception_through_a_case(
    tmp_path: Path, database: str
) -> None:
    config = write_config(tmp_path / "odoo.conf", ADDONS)
    addons = carrier_only_addons()
    run_odoo(config, database, "-i", ",".join(addons), "--without-demo=all", "--stop-after-init")
    with psycopg.connect(dbname=database, **pg_params()) as connection:
        installed = {
            name
            for (name,) in connection.execute(
                "SELECT name FROM ir_module_module WHERE state = 'installed' "
                "AND name LIKE 'logistics\\_%'"
            )
        }
    assert installed == set(addons)

    output = run_odoo(config, database, "shell", "--no-http", script=EXCEPTION_THROUGH_A_CASE)
    [line] = [line for line in output.splitlines() if line.startswith(RESULT_PREFIX)]
    result = json.loads(line.removeprefix(RESULT_PREFIX))
    assert result == {
        "answer": "processed",
        "state": "exception",
        "raised": True,
        "activities": 1,
        "case_type": "logistics_case.case_type_refusal",
        "case_state": "resolved",
        "cleared": True,
        "activities_left": 0,
    }
