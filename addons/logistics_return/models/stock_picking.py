from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _logistics_on_reserved(self):
        """Also send the returns of shipped deliveries, once ready to receive.

        Stock's return wizard confirms and reserves the return picking at once;
        a return of a delivery that never had a shipment stays in Odoo.
        """
        res = super()._logistics_on_reserved()
        returns = self.filtered(
            lambda p: (
                p.picking_type_code == "incoming"
                and p.state == "assigned"
                and p.return_id.logistics_shipment_ids
            )
        )
        if returns:
            self.env["logistics.shipment"]._tms_export_pickings(returns)
        return res
