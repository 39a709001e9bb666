from odoo import api, fields, models, tools

from ..validation import check_bounds

# A century: further back than any log is kept, still a date Python can compute.
MAX_LOG_RETENTION_DAYS = 36500
MAX_LOG_PAYLOAD_BYTES = 2**31 - 1


class ResCompany(models.Model):
    _inherit = "res.company"

    logistics_log_retention_days = fields.Integer(
        default=90, help="Integration log records older than this are purged (0 keeps all)."
    )
    logistics_log_payload_max_bytes = fields.Integer(
        default=65536,
        help="Payloads and responses are cut to this size in the log (0 keeps them whole).",
    )

    def cache_invalidation_fields(self):
        return super().cache_invalidation_fields() | {"logistics_log_payload_max_bytes"}

    # Read for every log record written (each outbound attempt logs alone): kept per
    # worker until the setting changes, instead of reading the company's whole row.
    @api.model
    @tools.ormcache("company_id")
    def _logistics_log_payload_limit(self, company_id):
        """The size payloads and responses are cut to in the log of company ``company_id``."""
        return self.sudo().browse(company_id).logistics_log_payload_max_bytes

    @api.constrains("logistics_log_retention_days", "logistics_log_payload_max_bytes")
    def _check_logistics_log_limits(self):
        check_bounds(
            self,
            {
                "logistics_log_retention_days": (0, MAX_LOG_RETENTION_DAYS),
                "logistics_log_payload_max_bytes": (0, MAX_LOG_PAYLOAD_BYTES),
            },
        )
