"""Regenerate the published JSON Schemas from the pydantic contracts.

Usage: python3 docs/schemas/generate.py  (from the repository root; needs pydantic only)
"""

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTRACT = HERE.parents[1] / "addons" / "logistics_tms_export" / "contract.py"


def main():
    spec = importlib.util.spec_from_file_location("tms_contract", CONTRACT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    target = HERE / "tms-order.v1.schema.json"
    schema = module.TmsOrderV1.model_json_schema()
    target.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {target.relative_to(HERE.parents[1])}")


if __name__ == "__main__":
    main()
