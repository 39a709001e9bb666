from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    logistics_correlation_id = fields.Char(
        string="Correlation ID",
        index=True,
        copy=False,
        readonly=True,
        help="Generated when the order is confirmed; every exchange about this "
        "order's transport carries it.",
    )
    logistics_shipment_ids = fields.One2many(
        comodel_name="logistics.shipment", inverse_name="sale_order_id", string="Shipments"
    )
    logistics_shipment_count = fields.Integer(compute="_compute_logistics_shipment_count")

    def _compute_logistics_shipment_count(self):
        for order in self:
            order.logistics_shipment_count = len(order.logistics_shipment_ids)

    def _action_confirm(self):
        for order in self.filtered(lambda o: not o.logistics_correlation_id):
            order.logistics_correlation_id = self.env[
                "logistics.correlation.mixin"
            ]._new_correlation_id()
        return super()._action_confirm()

    def action_view_logistics_shipments(self):
        self.ensure_one()
        return self.logistics_shipment_ids._get_open_action({"default_sale_order_id": self.id})
