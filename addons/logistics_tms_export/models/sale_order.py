from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        res = super()._action_confirm()
        orders = self.filtered(
            lambda o: o.company_id.logistics_tms_export_trigger == "confirmation"
        )
        pickings = orders.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        )
        if pickings:
            self.env["logistics.shipment"]._tms_export_pickings(pickings)
        return res

    def write(self, vals):
        res = super().write(vals)
        if self.env["logistics.endpoint"]._tms_changes_document(self._name, vals):
            self.logistics_shipment_ids._tms_sync_if_tracked()
        return res
