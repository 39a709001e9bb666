from odoo import fields, models


class LogisticsFreightCharge(models.Model):
    _inherit = "logistics.freight.charge"

    actual_reported_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the TMS report that set the actual amount happened: an older report "
        "arriving later leaves it.",
    )
