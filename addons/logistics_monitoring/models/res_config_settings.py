from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    logistics_bridge_stale_seconds = fields.Integer(
        related="company_id.logistics_bridge_stale_seconds", readonly=False
    )
    logistics_sla_channel_id = fields.Many2one(
        related="company_id.logistics_sla_channel_id", readonly=False
    )
    logistics_sla_email = fields.Char(related="company_id.logistics_sla_email", readonly=False)
