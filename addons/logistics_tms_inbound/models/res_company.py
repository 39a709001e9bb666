from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    logistics_pod_delay_hours = fields.Integer(
        string="POD Delay (h)",
        default=24,
        help="A delivered shipment without proof of delivery after this many hours "
        "becomes a business exception (0 disables the check).",
    )
