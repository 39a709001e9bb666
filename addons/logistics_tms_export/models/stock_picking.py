from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _logistics_on_reserved(self):
        """Export the deliveries of confirmed orders whose stock is now reserved."""
        pickings = self.filtered(
            lambda p: (
                p.picking_type_code == "outgoing"
                and p.state == "assigned"
                and p.sale_id.state == "sale"
                and p.company_id.logistics_tms_export_trigger == "allocation"
            )
        )
        if pickings:
            self.env["logistics.shipment"]._tms_export_pickings(pickings)

    def action_cancel(self):
        res = super().action_cancel()
        self.filtered(lambda p: p.state == "cancel").logistics_shipment_ids._tms_cancel(
            reason="picking_cancelled"
        )
        return res

    def write(self, vals):
        res = super().write(vals)
        if "partner_id" in vals:
            for picking in self:
                shipments = picking.logistics_shipment_ids
                if picking.partner_id and shipments:
                    shipments.sudo().partner_id = picking.partner_id
        if self.env["logistics.endpoint"]._tms_changes_document(self._name, vals):
            self.logistics_shipment_ids._tms_sync_if_tracked()
        return res
