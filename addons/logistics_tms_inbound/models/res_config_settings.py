from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    logistics_pod_delay_hours = fields.Integer(
        related="company_id.logistics_pod_delay_hours", readonly=False
    )
