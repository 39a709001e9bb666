from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    logistics_shipment_ids = fields.One2many(
        comodel_name="logistics.shipment", inverse_name="picking_id", string="Shipments"
    )
    logistics_shipment_count = fields.Integer(compute="_compute_logistics_shipment_count")

    def _compute_logistics_shipment_count(self):
        for picking in self:
            picking.logistics_shipment_count = len(picking.logistics_shipment_ids)

    def action_view_logistics_shipments(self):
        self.ensure_one()
        return self.logistics_shipment_ids._get_open_action()
