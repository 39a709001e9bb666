from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .logistics_shipment import INVOICE_RELEASE_STATES


class SaleOrder(models.Model):
    _inherit = "sale.order"

    logistics_invoice_release_state = fields.Selection(
        selection=INVOICE_RELEASE_STATES,
        string="Freight Release",
        compute="_compute_logistics_invoice_release_state",
        store=True,
        index=True,
        help="On Hold: freight charges of a shipment wait for a Logistics Manager's "
        "decision, and the order cannot be invoiced until then.",
    )

    @api.depends("logistics_shipment_ids.invoice_release_state")
    def _compute_logistics_invoice_release_state(self):
        for order in self:
            states = set(order.logistics_shipment_ids.mapped("invoice_release_state"))
            if "on_hold" in states:
                order.logistics_invoice_release_state = "on_hold"
            elif states == {"released"}:
                order.logistics_invoice_release_state = "released"
            else:
                order.logistics_invoice_release_state = "waiting" if states else False

    def _create_invoices(self, grouped=False, final=False, date=None):
        """Refuse invoicing while freight is on hold; invoice the approved actual freight."""
        self._logistics_check_invoice_release()
        self._logistics_apply_actual_freight()
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _logistics_check_invoice_release(self):
        held = self.logistics_shipment_ids.filtered(lambda s: s.invoice_release_state == "on_hold")
        if held:
            raise UserError(
                _(
                    "Freight charges of %(shipments)s are on hold or disputed: a Logistics "
                    "Manager must approve the variance before %(orders)s can be invoiced.",
                    shipments=", ".join(held.mapped("name")),
                    orders=", ".join(held.mapped("sale_order_id.name")),
                )
            )

    def _logistics_apply_actual_freight(self):
        """Set the delivery line's price to the approved actual freight before invoicing."""
        for order in self:
            shipments = order.logistics_shipment_ids.filtered(
                lambda s: s.invoice_release_state == "released"
            )
            lines = order.order_line.filtered(lambda ln: ln.is_delivery and not ln.qty_invoiced)
            if not shipments or len(lines) != 1 or not lines.product_uom_qty:
                continue
            total = sum(
                charge.currency_id._convert(
                    charge.actual_amount,
                    order.currency_id,
                    order.company_id,
                    fields.Date.context_today(order),
                )
                for charge in shipments.charge_ids
            )
            lines.price_unit = total / lines.product_uom_qty
