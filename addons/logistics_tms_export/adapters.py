"""What TMS adapters and exchange handlers share: their errors, the documents they
prepare, the planning data they read back, and readable contract problems.

The adapters themselves are abstract models, one per TMS format
(``logistics.tms.adapter.generic.v1`` and the models inheriting it).
"""

from dataclasses import dataclass
from datetime import datetime


class ContractError(Exception):
    """The shipment cannot be expressed in the contract; ``problems`` lists why."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


class ResponseError(Exception):
    """The TMS answer does not follow the contract."""


@dataclass(frozen=True)
class PlanningData:
    """What the TMS planned: its reference, maybe a carrier and an ETA."""

    reference: str
    carrier_code: str | None = None
    carrier_name: str | None = None
    estimated_delivery: datetime | None = None


@dataclass(frozen=True)
class TmsDocument:
    """One message for the TMS, as the handler of its exchange type prepared it."""

    payload: dict
    path: str
    http_method: str = "POST"
    payload_version: int = 1
    schema_label: str | None = None
    description: str | None = None


FIELD_LABELS = {
    "ship_to.street": "ship-to street",
    "ship_to.city": "ship-to city",
    "ship_to.zip": "ship-to ZIP",
    "ship_to.country_code": "ship-to country",
    "ship_to.name": "ship-to name",
    "contact": "contact phone or e-mail",
    "contact.name": "contact name",
    "requested_date": "requested date",
    "lines": "lines",
    "total_weight_kg": "total weight",
}


def describe_errors(error, payload):
    """One readable line per invalid field of a pydantic ValidationError."""
    problems = []
    for item in error.errors():
        loc = list(item["loc"])
        label_parts = []
        for index, part in enumerate(loc):
            if isinstance(part, int) and index and loc[index - 1] == "lines":
                line = (payload.get("lines") or [{}] * (part + 1))[part]
                label_parts[-1] = f"line {part + 1} ({line.get('product_code') or '?'})"
            else:
                label_parts.append(str(part))
        path = ".".join(str(p) for p in loc)
        label = FIELD_LABELS.get(path, " ".join(label_parts).replace("_", " "))
        kind = item["type"]
        value = item.get("input")
        empty = value is None or (isinstance(value, str) and not value.strip())
        if kind in ("missing", "string_too_short") or (empty and kind != "value_error"):
            problems.append(f"{label}: missing")
        elif kind == "greater_than":
            problems.append(f"{label}: must be greater than {item['ctx']['gt']}")
        elif kind == "value_error":
            problems.append(f"{label}: {item['msg'].removeprefix('Value error, ')}")
        else:
            problems.append(f"{label}: {item['msg']}")
    return problems
