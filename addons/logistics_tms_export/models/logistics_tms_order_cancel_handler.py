from odoo import _, api, models

from ..adapters import TmsDocument


class LogisticsTmsOrderCancelHandler(models.AbstractModel):
    """Withdrawals of an order sent to a TMS (exchange type tms_order_cancel).

    A withdrawn order becomes a *cancelled* milestone; a refused cancellation
    fails the export like a refused order.
    """

    _name = "logistics.tms.order.cancel.handler"
    _inherit = "logistics.tms.order.handler"
    _description = "TMS Order Cancellation Exchange Handler"

    @api.model
    def _tms_prepare(self, shipment, endpoint, payload_version, reason=None):
        adapter = endpoint._get_tms_adapter()
        return TmsDocument(
            payload=adapter._build_cancel_payload(shipment, reason),
            path=adapter._cancel_path(shipment),
            payload_version=payload_version,
            schema_label=adapter._schema_label(),
            description=_(
                "Cancel %(shipment)s in %(tms)s", shipment=shipment.name, tms=endpoint.name
            ),
        )

    @api.model
    def _on_success(self, message, response_json):
        shipment = self._get_shipment(message)
        if not shipment:
            return super()._on_success(message, response_json)
        self._tms_record_milestone(
            shipment.with_context(tracking_disable=True),
            message,
            "cancelled",
            f"odoo-cancel:{shipment.name}",
        )
        return True
