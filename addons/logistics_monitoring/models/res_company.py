from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    logistics_bridge_stale_seconds = fields.Integer(
        default=180,
        help="A bridge whose last heartbeat is older than this many seconds is shown as stale.",
    )
