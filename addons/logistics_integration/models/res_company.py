from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    logistics_log_retention_days = fields.Integer(
        default=90, help="Integration log records older than this are purged (0 keeps all)."
    )
    logistics_log_payload_max_bytes = fields.Integer(
        default=65536, help="Payloads and responses are cut to this size in the log."
    )
    logistics_tolerance_amount_over = fields.Float(
        default=25.0, help="Actual freight may exceed the expected amount by this much."
    )
    logistics_tolerance_amount_under = fields.Float(
        default=25.0, help="Actual freight may fall below the expected amount by this much."
    )
    logistics_tolerance_percent_over = fields.Float(
        default=5.0, help="Actual freight may exceed the expected amount by this percentage."
    )
    logistics_tolerance_percent_under = fields.Float(
        default=5.0,
        help="Actual freight may fall below the expected amount by this percentage.",
    )
