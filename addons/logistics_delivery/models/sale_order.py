from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    logistics_rate_quote_ids = fields.One2many(
        comodel_name="logistics.rate.quote",
        inverse_name="sale_order_id",
        string="Rate Quotes",
        help="Every service the TMS quoted the last time shipping was rated.",
    )
    logistics_rate_quote_id = fields.Many2one(
        comodel_name="logistics.rate.quote",
        string="Chosen Service",
        readonly=True,
        copy=False,
        help="The quoted service the order ships with; its price is the shipment's "
        "expected freight.",
    )
    logistics_rate_fallback = fields.Boolean(
        string="Rate from fallback price rules",
        readonly=True,
        copy=False,
        help="The TMS gave no usable quote in time: the shipping price comes from the "
        "delivery method's fallback price rules.",
    )
    logistics_rate_fallback_reason = fields.Char(
        string="Fallback Reason", readonly=True, copy=False
    )

    def _logistics_shipping_quote(self):
        """The chosen quote of this order (one or none), if the order still ships with the
        delivery method that asked for it (another method chosen since makes it history)."""
        quote = self.logistics_rate_quote_id
        return quote if quote.delivery_carrier_id == self.carrier_id else quote.browse()
