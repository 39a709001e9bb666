from odoo import _, models


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    def action_open_trace(self):
        """Everything under this shipment's correlation id, in time order."""
        self.ensure_one()
        return self.env["logistics.trace.entry"]._action_for_correlation(
            self.correlation_id, _("Trace of %(shipment)s", shipment=self.name)
        )
