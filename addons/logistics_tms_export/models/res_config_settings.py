from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    logistics_tms_export_trigger = fields.Selection(
        related="company_id.logistics_tms_export_trigger", readonly=False
    )
    logistics_tms_endpoint_id = fields.Many2one(
        related="company_id.logistics_tms_endpoint_id", readonly=False
    )
