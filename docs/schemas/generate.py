"""Regenerate the published JSON Schemas from the pydantic contracts.

Usage: python3 docs/schemas/generate.py  (from the repository root; needs pydantic only)
"""

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ADDONS = HERE.parents[1] / "addons"
#: (contract module, model, published file)
CONTRACTS = [
    (ADDONS / "logistics_tms_export" / "contract.py", "TmsOrderV1", "tms-order.v1.schema.json"),
    (
        ADDONS / "logistics_settlement" / "contract.py",
        "FinanceShipmentV1",
        "finance-shipment.v1.schema.json",
    ),
]


def main():
    for contract, model, filename in CONTRACTS:
        spec = importlib.util.spec_from_file_location(contract.parent.name + "_contract", contract)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        target = HERE / filename
        schema = getattr(module, model).model_json_schema()
        target.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {target.relative_to(HERE.parents[1])}")


if __name__ == "__main__":
    main()
