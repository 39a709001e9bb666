from odoo import api, models


class LogisticsTmsOrderCancelHandler(models.AbstractModel):
    """Outcomes of an order cancellation sent to a TMS (exchange type tms_order_cancel).

    A withdrawn order becomes a *cancelled* milestone; a refused cancellation
    fails the export like a refused order.
    """

    _name = "logistics.tms.order.cancel.handler"
    _inherit = "logistics.tms.order.handler"
    _description = "TMS Order Cancellation Exchange Handler"

    @api.model
    def _on_success(self, message, response_json):
        shipment = self._get_shipment(message)
        if not shipment:
            return super()._on_success(message, response_json)
        shipment._tms_on_cancel_accepted(message)
        return True
