from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        for invoice in posted.filtered(lambda m: m.move_type == "out_invoice"):
            shipments = invoice.line_ids.sale_line_ids.order_id.logistics_shipment_ids.filtered(
                lambda s: s.invoice_release_state == "released"
            )
            if shipments:
                shipments._add_invoice_approved_milestone()
                invoice._logistics_log_release(shipments)
        return posted

    def _logistics_log_release(self, shipments):
        """Put the invoice in the integration log under each shipment's correlation id,
        so one search shows order, export, callbacks, charges and invoice."""
        self.ensure_one()
        event_type = self.env.ref("logistics_integration.event_type_invoice_approved")
        log = self.env["logistics.integration.log"]
        log._record_exchanges(
            [
                (
                    log._prepare_exchange_vals(
                        "outbound",
                        "processed",
                        record=self,
                        event_type=event_type,
                        summary="invoice posted",
                        external_identifier=self.name,
                        correlation_id=shipment.correlation_id,
                    ),
                    {"invoice": self.name, "shipment": shipment.name},
                    None,
                )
                for shipment in shipments
            ]
        )
