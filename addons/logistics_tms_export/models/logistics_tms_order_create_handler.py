from odoo import _, api, models


class LogisticsTmsOrderCreateHandler(models.AbstractModel):
    """New orders sent to a TMS (exchange type tms_order_create).

    As for an update, except that a 409 the adapter reads as "order exists"
    (a replayed create) counts as taken: its body carries the planning data.
    """

    _name = "logistics.tms.order.create.handler"
    _inherit = "logistics.tms.order.handler"
    _description = "TMS Order Creation Exchange Handler"

    @api.model
    def _tms_order_request(self, adapter, shipment):
        return adapter._create_path(shipment), "POST", _("Create")

    @api.model
    def _conflict_is_success(self, message, body):
        return message.endpoint_id._get_tms_adapter()._order_exists(body)
