from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        invoices = posted.filtered(lambda m: m.move_type == "out_invoice")
        shipments = invoices.line_ids.sale_line_ids.order_id.logistics_shipment_ids
        shipments.filtered(
            lambda s: s.invoice_release_state == "released"
        )._add_invoice_approved_milestone()
        return posted
