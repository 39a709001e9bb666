from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    logistics_tolerance_amount_over = fields.Float(
        related="company_id.logistics_tolerance_amount_over", readonly=False
    )
    logistics_tolerance_amount_under = fields.Float(
        related="company_id.logistics_tolerance_amount_under", readonly=False
    )
    logistics_tolerance_percent_over = fields.Float(
        related="company_id.logistics_tolerance_percent_over", readonly=False
    )
    logistics_tolerance_percent_under = fields.Float(
        related="company_id.logistics_tolerance_percent_under", readonly=False
    )
