"""Per-TMS profiles: how a shipment becomes a payload and an answer planning data.

A profile is a small class registered under the code an endpoint selects in
its ``tms_profile`` field. Another TMS format is another class::

    @register_profile("acme_v2")
    class AcmeProfile(GenericV1Profile):
        def build_order_payload(self, shipment): ...

plus ``selection_add=[("acme_v2", "ACME v2")]`` on ``logistics.endpoint.tms_profile``.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from pydantic import ValidationError

from . import contract

_PROFILES = {}


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


def register_profile(code):
    """Class decorator registering a profile under ``code``."""

    def decorator(cls):
        _PROFILES[code] = cls
        cls.code = code
        return cls

    return decorator


def get_profile(code):
    """An instance of the profile registered under ``code``."""
    try:
        return _PROFILES[code]()
    except KeyError as err:
        raise KeyError(f"No TMS profile registered under {code!r}") from err


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


@register_profile("generic_v1")
class GenericV1Profile:
    """The documented generic JSON contract ``tms-order`` v1 (docs/tms-order-v1.md)."""

    schema = contract.TmsOrderV1
    schema_label = f"{contract.SCHEMA_NAME}/{contract.SCHEMA_VERSION}"

    def build_order_payload(self, shipment, payload_version=1):
        """The validated payload for ``shipment``; raises ContractError listing every problem."""
        raw = self._collect(shipment, payload_version)
        try:
            order = self.schema.model_validate(raw)
        except ValidationError as err:
            raise ContractError(describe_errors(err, raw)) from err
        return order.model_dump(mode="json", by_alias=True, exclude_none=True)

    def parse_order_response(self, body):
        """Planning data from a create/update answer or a 409 order_exists body."""
        try:
            answer = contract.TmsOrderResponseV1.model_validate(body or {})
        except ValidationError as err:
            raise ResponseError(str(err)) from err
        eta = answer.estimated_delivery
        if isinstance(eta, date) and not isinstance(eta, datetime):
            eta = datetime(eta.year, eta.month, eta.day)
        if eta is not None and eta.tzinfo is not None:
            eta = eta.astimezone(UTC).replace(tzinfo=None)  # Odoo stores naive UTC
        return PlanningData(
            reference=answer.planning_reference,
            carrier_code=answer.carrier.code if answer.carrier else None,
            carrier_name=answer.carrier.name if answer.carrier else None,
            estimated_delivery=eta,
        )

    def order_exists(self, body):
        """Whether a 409 body says the TMS already has the order."""
        return (body or {}).get("error") == "order_exists"

    def create_path(self, shipment):
        return "/v1/orders"

    def update_path(self, shipment):
        return f"/v1/orders/{shipment.tms_reference or shipment.name}"

    def cancel_path(self, shipment):
        return f"/v1/orders/{shipment.tms_reference or shipment.name}/cancel"

    def build_cancel_payload(self, shipment, reason=None):
        return {
            "schema": contract.SCHEMA_NAME,
            "schema_version": contract.SCHEMA_VERSION,
            "order_reference": shipment.name,
            "planning_reference": shipment.tms_reference or None,
            "correlation_id": shipment.correlation_id,
            "reason": reason or "cancelled",
        }

    # -- collecting data from Odoo --------------------------------------

    @staticmethod
    def _text(value):
        return (value or "").strip() or None

    def _address(self, partner):
        if not partner:
            return None
        return {
            "name": self._text(partner.name or partner.commercial_partner_id.name),
            "street": self._text(partner.street),
            "street2": self._text(partner.street2),
            "city": self._text(partner.city),
            "zip": self._text(partner.zip),
            "state_code": self._text(partner.state_id.code),
            "country_code": self._text(partner.country_id.code),
        }

    def _contact(self, partner):
        return {
            "name": self._text(partner.name or partner.commercial_partner_id.name),
            "phone": self._text(partner.phone or partner.mobile),
            "email": self._text(partner.email),
        }

    def _lines(self, shipment):
        moves = shipment.picking_id.move_ids.filtered(lambda m: m.state != "cancel")
        lines = []
        for move in moves:
            product = move.product_id
            quantity = move.product_uom_qty
            weight = (product.weight or 0.0) * move.product_qty
            lines.append(
                {
                    "line_id": str(move.id),
                    "product_code": self._text(product.default_code or product.barcode)
                    or f"odoo-{product.id}",
                    "description": self._text(product.display_name),
                    "quantity": quantity,
                    "uom": move.product_uom.name,
                    "weight_kg": round(weight, 3),
                }
            )
        return lines

    def _requested_date(self, shipment):
        order = shipment.sale_order_id
        value = order.commitment_date or shipment.picking_id.scheduled_date
        return value.isoformat() if value else None

    def _carrier_preference(self, shipment):
        carrier = shipment.carrier_id or shipment.sale_order_id.carrier_id
        if not carrier:
            return None
        return {
            "carrier_code": self._text(carrier.logistics_carrier_code or carrier.name),
            "service_level": self._text(carrier.logistics_service_level),
        }

    def _collect(self, shipment, payload_version):
        order = shipment.sale_order_id
        partner = shipment.partner_id
        lines = self._lines(shipment)
        warehouse_partner = shipment.picking_id.picking_type_id.warehouse_id.partner_id
        return {
            "schema": contract.SCHEMA_NAME,
            "schema_version": contract.SCHEMA_VERSION,
            "payload_version": payload_version,
            "order_reference": shipment.name,
            "correlation_id": shipment.correlation_id,
            "sale_order": order.name or None,
            "customer_reference": self._text(order.client_order_ref),
            "requested_date": self._requested_date(shipment),
            "ship_from": self._address(warehouse_partner) if warehouse_partner.street else None,
            "ship_to": self._address(partner) or {},
            "contact": self._contact(partner),
            "lines": lines,
            "total_weight_kg": round(sum(line["weight_kg"] or 0 for line in lines), 3),
            "carrier_preference": self._carrier_preference(shipment),
            "notes": None,
        }
