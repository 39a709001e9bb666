from odoo import fields, models

from .logistics_master_data_sync import DOMAINS


class LogisticsDataOwnership(models.Model):
    """The master data domains, each sent to the TMS as a batch on its window
    (data/logistics_batch_data.xml), or at once with *Send Now*."""

    _inherit = "logistics.data.ownership"

    domain = fields.Selection(
        selection_add=[
            ("master_partners", "Master Data: Ship-to Addresses"),
            ("master_products", "Master Data: Products"),
            ("master_carrier_services", "Master Data: Carrier Services"),
        ],
        ondelete={
            "master_partners": "cascade",
            "master_products": "cascade",
            "master_carrier_services": "cascade",
        },
    )
    is_master_data = fields.Boolean(compute="_compute_is_master_data")

    def _compute_is_master_data(self):
        for line in self:
            line.is_master_data = line.domain in DOMAINS.values()

    def action_master_data_send_now(self):
        """Send every change of this master data domain now (Logistics Managers and
        Integration Administrators), whatever its window: a full comparison."""
        self.env["logistics.master.data.sync"]._assert_may_send()
        now = self._get_batch_now()
        for line in self.sudo().filtered(lambda line: line.is_master_data and line.batch_id):
            line._run_batch((fields.Datetime.to_datetime("2000-01-01"), now))
        return True
