from odoo import models


class LogisticsIntegrationLog(models.Model):
    _inherit = "logistics.integration.log"

    def init(self):
        result = super().init()
        # The overview aggregates the last 24 h per endpoint: this index answers it
        # from the index alone (duration and failure flag included).
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS logistics_integration_log_overview_index "
            "ON logistics_integration_log (endpoint_id, create_date) "
            "INCLUDE (duration_ms, is_failure)"
        )
        return result
