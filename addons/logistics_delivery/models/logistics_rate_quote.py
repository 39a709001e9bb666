from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .delivery_carrier import CHOSEN_QUOTE_CONTEXT

QUOTABLE_ORDER_STATES = ("draft", "sent")


class LogisticsRateQuote(models.Model):
    """One service the TMS quoted for a sale order: carrier, service, price, transit time."""

    _name = "logistics.rate.quote"
    _description = "Rate Quote"
    _order = "sale_order_id, price, id"

    sale_order_id = fields.Many2one(
        comodel_name="sale.order", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True, index=True)
    delivery_carrier_id = fields.Many2one(
        comodel_name="delivery.carrier",
        string="Delivery Method",
        required=True,
        ondelete="cascade",
        readonly=True,
        help="The Logistics TMS delivery method that asked for the quote.",
    )
    carrier_code = fields.Char(
        required=True, readonly=True, help="The carrier, as the TMS names it."
    )
    service_code = fields.Char(required=True, readonly=True)
    name = fields.Char(string="Service", required=True, readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", required=True, readonly=True)
    price = fields.Monetary(required=True, readonly=True)
    transit_days = fields.Integer(readonly=True)
    quote_reference = fields.Char(
        string="Quote ID", required=True, readonly=True, help="The TMS's identifier of this quote."
    )
    valid_until = fields.Datetime(readonly=True)
    is_chosen = fields.Boolean(string="Chosen", compute="_compute_is_chosen")

    @api.depends("sale_order_id.logistics_rate_quote_id")
    def _compute_is_chosen(self):
        for quote in self:
            quote.is_chosen = quote.sale_order_id.logistics_rate_quote_id == quote

    def action_use_service(self):
        """Make this service the order's: its price becomes the delivery line's (through
        the delivery method's margins and taxes) and, once the order ships, the
        shipment's expected freight."""
        self.ensure_one()
        order = self.sale_order_id
        if order.state not in QUOTABLE_ORDER_STATES:
            raise UserError(
                _("%(order)s is confirmed: its service can no longer change.", order=order.name)
            )
        if self.valid_until and self.valid_until < fields.Datetime.now():
            raise UserError(
                _(
                    "The quote for %(service)s expired on %(date)s: add the shipping again "
                    "to get fresh quotes.",
                    service=self.name,
                    date=self.valid_until,
                )
            )
        order.sudo().logistics_rate_quote_id = self
        carrier = self.delivery_carrier_id
        if order.carrier_id == carrier and order.order_line.filtered("is_delivery"):
            rate = carrier.with_context(**{CHOSEN_QUOTE_CONTEXT: self.id}).rate_shipment(order)
            order.set_delivery_line(carrier, rate["price"])
        return True
