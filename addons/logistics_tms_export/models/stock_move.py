from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_assign(self, force_qty=False):
        res = super()._action_assign(force_qty=force_qty)
        self.picking_id._logistics_on_reserved()
        return res

    def write(self, vals):
        res = super().write(vals)
        if self.env["logistics.endpoint"]._tms_changes_document(self._name, vals):
            self.picking_id.logistics_shipment_ids._tms_sync_if_tracked()
        return res
