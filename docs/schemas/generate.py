"""Regenerate the published JSON Schemas from the pydantic contracts.

Usage: python3 docs/schemas/generate.py  (from the repository root; needs pydantic only)
"""

import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ADDONS = HERE.parents[1] / "addons"
BRIDGE = HERE.parents[1] / "bridge"
# Modules that contracts import under their Odoo module names: (addon, module).
SHARED = (("logistics_inbound", "canonical"),)
# (addon, pydantic model, published file); an addon's contract may import the
# shared modules and the contracts listed before it, under their Odoo module names.
CONTRACTS = (
    ("logistics_tms_inbound", "TmsEventV1", "tms-event.v1.schema.json"),
    ("logistics_tms_export", "TmsOrderV1", "tms-order.v1.schema.json"),
    ("logistics_return", "TmsReturnV1", "tms-return.v1.schema.json"),
    ("logistics_settlement", "FinanceShipmentV1", "finance-shipment.v1.schema.json"),
    ("logistics_delivery", "TmsRateRequestV1", "tms-rate.v1.schema.json"),
    ("logistics_delivery", "TmsRateResponseV1", "tms-rate-response.v1.schema.json"),
    ("logistics_master_data", "TmsMasterDataV1", "tms-master-data.v1.schema.json"),
    (
        "logistics_master_data",
        "TmsMasterDataResponseV1",
        "tms-master-data-response.v1.schema.json",
    ),
    ("logistics_appointment", "TmsSlotRequestV1", "tms-appointment.v1.schema.json"),
    ("logistics_appointment", "TmsSlotResponseV1", "tms-appointment-slots.v1.schema.json"),
    ("logistics_appointment", "TmsAppointmentBookingV1", "tms-appointment-booking.v1.schema.json"),
)
# Contracts the bridge and Odoo share (bridge/logistics_contract): (module, model, file).
SHARED_CONTRACTS = (
    (
        "logistics_contract.master_data",
        "TmsMasterDataChangedV1",
        "tms-master-data-changed.v1.schema.json",
    ),
)


def _load(addon, module_name):
    name = f"odoo.addons.{addon}.{module_name}"
    spec = importlib.util.spec_from_file_location(name, ADDONS / addon / f"{module_name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _write(model, file_name):
    target = HERE / file_name
    schema = model.model_json_schema()
    target.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {target.relative_to(HERE.parents[1])}")


def main():
    # This repository's shared contracts, before any contract imports them.
    sys.path.insert(0, str(BRIDGE))
    for addon, module_name in SHARED:
        _load(addon, module_name)
    for addon, model_name, file_name in CONTRACTS:
        _write(getattr(_load(addon, "contract"), model_name), file_name)
    for module_name, model_name, file_name in SHARED_CONTRACTS:
        _write(getattr(importlib.import_module(module_name), model_name), file_name)


if __name__ == "__main__":
    main()
