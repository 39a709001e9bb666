from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    logistics_log_retention_days = fields.Integer(
        default=90, help="Integration log records older than this are purged (0 keeps all)."
    )
    logistics_log_payload_max_bytes = fields.Integer(
        default=65536, help="Payloads and responses are cut to this size in the log."
    )
