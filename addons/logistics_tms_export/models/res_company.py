from odoo import api, fields, models


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
        check_company=True,
        help="The TMS that receives this company's transport orders.",
    )

    @api.constrains("logistics_tms_endpoint_id")
    def _check_logistics_tms_endpoint_company(self):
        # A company is not checked on write by itself: its orders must never
        # reach another company's TMS.
        self._check_company(["logistics_tms_endpoint_id"])
