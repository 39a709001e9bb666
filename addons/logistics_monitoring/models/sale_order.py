from odoo import _, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_open_logistics_trace(self):
        """Everything under this order's correlation id, in time order."""
        self.ensure_one()
        return self.env["logistics.trace.entry"]._action_for_correlation(
            self.logistics_correlation_id, _("Trace of %(order)s", order=self.name)
        )
