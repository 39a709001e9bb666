from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    logistics_tms_export_trigger = fields.Selection(
        selection=[
            ("confirmation", "Order confirmation"),
            ("allocation", "Stock allocation"),
        ],
        string="TMS Export Trigger",
        default="allocation",
        required=True,
        help="When an order's delivery becomes a TMS transport order: as soon as the "
        "order is confirmed, or once its stock is reserved.",
    )
    logistics_tms_endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint",
        string="Default TMS",
        domain="[('kind', '=', 'tms'), ('company_id', '=', id)]",
        help="The TMS that receives this company's transport orders.",
    )
