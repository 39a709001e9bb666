from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    logistics_bridge_stale_seconds = fields.Integer(
        related="company_id.logistics_bridge_stale_seconds", readonly=False
    )
