from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    logistics_bridge_stale_seconds = fields.Integer(
        default=180,
        help="A bridge whose last heartbeat is older than this many seconds is shown as stale.",
    )
    logistics_sla_channel_id = fields.Many2one(
        comodel_name="discuss.channel",
        string="SLA Channel",
        help="Discuss channel told when an exchange type misses or meets its SLA again.",
    )
    logistics_sla_email = fields.Char(
        string="SLA E-mail",
        help="Address e-mailed when an exchange type misses or meets its SLA again.",
    )
