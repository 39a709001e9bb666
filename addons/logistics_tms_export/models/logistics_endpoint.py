from odoo import fields, models


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    tms_profile = fields.Selection(
        selection=[("generic_v1", "Generic JSON (tms-order v1)")],
        string="TMS Profile",
        default="generic_v1",
        help="How shipments are turned into this TMS's payloads and its answers read "
        "back. Other profiles are added by small modules.",
    )
