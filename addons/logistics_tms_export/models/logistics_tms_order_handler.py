from odoo import api, models


class LogisticsTmsOrderHandler(models.AbstractModel):
    """Outcomes of an order update sent to a TMS (exchange type tms_order_update).

    The shipment the message is about records what the TMS planned, or becomes
    *export failed* with an activity. A 409 on an update is a real conflict.
    """

    _name = "logistics.tms.order.handler"
    _inherit = "logistics.exchange.handler"
    _description = "TMS Order Exchange Handler"

    @api.model
    def _get_shipment(self, message):
        """The shipment ``message`` is about, or None (a message about something else)."""
        record = message._get_related_record()
        return record if record and record._name == "logistics.shipment" else None

    @api.model
    def _on_success(self, message, response_json):
        shipment = self._get_shipment(message)
        if not shipment:
            return super()._on_success(message, response_json)
        shipment._tms_on_order_accepted(message, response_json)
        return True

    @api.model
    def _on_failure(self, message, error):
        shipment = self._get_shipment(message)
        if not shipment:
            return super()._on_failure(message, error)
        shipment._tms_on_failure(message, error)
        return True

    @api.model
    def _conflict_is_success(self, message, body):
        return False
