from odoo import _, models


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    def init(self):
        result = super().init()
        # Partial indexes for the overview's business cards: each covers only the
        # few shipments a card counts, whatever the size of the history.
        cr = self.env.cr
        cr.execute(
            "CREATE INDEX IF NOT EXISTS logistics_shipment_overview_open_eta_index "
            "ON logistics_shipment (company_id, estimated_date) "
            "WHERE state NOT IN ('delivered', 'returned', 'cancelled')"
        )
        cr.execute(
            "CREATE INDEX IF NOT EXISTS logistics_shipment_overview_pod_index "
            "ON logistics_shipment (company_id) WHERE pod_overdue"
        )
        cr.execute(
            "CREATE INDEX IF NOT EXISTS logistics_shipment_overview_hold_index "
            "ON logistics_shipment (company_id, sale_order_id) "
            "WHERE invoice_release_state = 'on_hold'"
        )
        return result

    def action_open_trace(self):
        """Everything under this shipment's correlation id, in time order."""
        self.ensure_one()
        return self.env["logistics.trace.entry"]._action_for_correlation(
            self.correlation_id, _("Trace of %(shipment)s", shipment=self.name)
        )
