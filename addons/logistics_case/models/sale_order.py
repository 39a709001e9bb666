from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    logistics_case_ids = fields.One2many(
        comodel_name="logistics.case", inverse_name="sale_order_id", string="Service Cases"
    )
    logistics_case_count = fields.Integer(compute="_compute_logistics_case_count")

    @api.depends("logistics_case_ids")
    def _compute_logistics_case_count(self):
        for order in self:
            order.logistics_case_count = len(order.logistics_case_ids)

    def action_view_logistics_cases(self):
        self.ensure_one()
        return self.logistics_case_ids._get_action({}, [("sale_order_id", "=", self.id)])
