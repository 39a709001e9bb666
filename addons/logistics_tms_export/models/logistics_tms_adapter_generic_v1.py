from datetime import UTC, date, datetime

from pydantic import ValidationError

from odoo import api, models

from .. import contract
from ..adapters import ContractError, PlanningData, ResponseError, describe_errors


class LogisticsTmsAdapterGenericV1(models.AbstractModel):
    """The documented generic JSON contract ``tms-order`` v1 (docs/tms-order-v1.md).

    An endpoint selects its adapter in ``tms_adapter``; the value ``<name>``
    stands for the model ``logistics.tms.adapter.<name with dots>``, e.g.
    ``generic_v1`` for this one. Another TMS format is another abstract model
    inheriting this one under its own ``_name``, plus a ``selection_add`` on
    ``logistics.endpoint.tms_adapter``.
    """

    _name = "logistics.tms.adapter.generic.v1"
    _description = "TMS Adapter: Generic JSON (tms-order v1)"

    _schema = contract.TmsOrderV1

    @api.model
    def _tms_trigger_fields(self):
        """{model: field names} whose change makes this adapter's order document change.

        A write of one of these fields on a record behind a tracked shipment
        re-validates it and, when the payload changed, sends the next version.
        """
        return {
            "res.partner": {
                "name",
                "street",
                "street2",
                "city",
                "zip",
                "state_id",
                "country_id",
                "phone",
                "mobile",
                "email",
            },
            "sale.order": {
                "commitment_date",
                "partner_shipping_id",
                "carrier_id",
                "client_order_ref",
            },
            "stock.picking": {"partner_id", "scheduled_date", "carrier_id"},
            "stock.move": {"product_uom_qty"},
        }

    @api.model
    def _build_order_payload(self, shipment, payload_version=1):
        """The validated payload for ``shipment``; raises ContractError listing every problem."""
        return self._validate_document(self._schema, self._collect(shipment, payload_version))

    @api.model
    def _validate_document(self, schema, raw):
        """``raw`` validated against the contract model ``schema``, as the JSON to send;
        raises ContractError listing every problem."""
        try:
            document = schema.model_validate(raw)
        except ValidationError as err:
            raise ContractError(describe_errors(err, raw)) from err
        return document.model_dump(mode="json", by_alias=True, exclude_none=True)

    @api.model
    def _parse_order_response(self, body):
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

    @api.model
    def _order_exists(self, body):
        """Whether a 409 body says the TMS already has the order."""
        return (body or {}).get("error") == "order_exists"

    @api.model
    def _create_path(self, shipment):
        return "/v1/orders"

    @api.model
    def _update_path(self, shipment):
        return f"/v1/orders/{shipment.tms_reference or shipment.name}"

    @api.model
    def _cancel_path(self, shipment):
        return f"/v1/orders/{shipment.tms_reference or shipment.name}/cancel"

    @api.model
    def _build_cancel_payload(self, shipment, reason=None):
        return {
            "schema": contract.SCHEMA_NAME,
            "schema_version": contract.SCHEMA_VERSION,
            "order_reference": shipment.name,
            "planning_reference": shipment.tms_reference or None,
            "correlation_id": shipment.correlation_id,
            "reason": reason or "cancelled",
        }

    # -- collecting data from Odoo --------------------------------------

    @api.model
    def _schema_label(self):
        """Contract and version, as stored on the outbound messages."""
        return f"{contract.SCHEMA_NAME}/{contract.SCHEMA_VERSION}"

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
