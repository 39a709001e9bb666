from odoo import api, models

from .. import contract

RETURN_PATH = "/v1/returns"


class LogisticsTmsAdapterGenericV1(models.AbstractModel):
    """Return transport orders in the generic contract ``tms-return`` v1
    (docs/tms-return-v1.md); adapters inheriting the generic one inherit this."""

    _inherit = "logistics.tms.adapter.generic.v1"

    @api.model
    def _build_return_payload(self, shipment, payload_version=1):
        """The validated return order of ``shipment``; raises ContractError listing every
        problem."""
        return self._validate_document(
            contract.TmsReturnV1, self._collect_return(shipment, payload_version)
        )

    @api.model
    def _return_path(self, shipment):
        return RETURN_PATH

    @api.model
    def _return_schema_label(self):
        return f"{contract.SCHEMA_NAME}/{contract.SCHEMA_VERSION}"

    @api.model
    def _cancel_path(self, shipment):
        if shipment.return_of_id:
            return f"{RETURN_PATH}/{shipment.tms_reference or shipment.name}/cancel"
        return super()._cancel_path(shipment)

    @api.model
    def _build_cancel_payload(self, shipment, reason=None):
        payload = super()._build_cancel_payload(shipment, reason)
        if shipment.return_of_id:
            payload["schema"] = contract.SCHEMA_NAME
        return payload

    def _collect_return(self, shipment, payload_version):
        original = shipment.return_of_id
        order = shipment.sale_order_id
        lines = self._lines(shipment)
        warehouse_partner = shipment.picking_id.picking_type_id.warehouse_id.partner_id
        scheduled = shipment.picking_id.scheduled_date
        return {
            "schema": contract.SCHEMA_NAME,
            "schema_version": contract.SCHEMA_VERSION,
            "payload_version": payload_version,
            "order_reference": shipment.name,
            "return_of": {
                "order_reference": original.name,
                "planning_reference": original.tms_reference or None,
            },
            "correlation_id": shipment.correlation_id,
            "sale_order": order.name or None,
            "customer_reference": self._text(order.client_order_ref),
            "requested_date": scheduled.isoformat() if scheduled else None,
            "pickup_from": self._address(shipment.partner_id) or {},
            "return_to": self._address(warehouse_partner) or {},
            "contact": self._contact(shipment.partner_id),
            "lines": lines,
            "total_weight_kg": round(sum(line["weight_kg"] or 0 for line in lines), 3),
            "carrier_preference": self._carrier_preference(shipment),
        }
