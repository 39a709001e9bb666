from odoo import _, api, models


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    @api.model_create_multi
    def create(self, vals_list):
        shipments = super().create(vals_list)
        shipments._add_quoted_freight()
        return shipments

    def _add_quoted_freight(self):
        """The service chosen on the order becomes the expected base freight the
        freight audit reconciles the TMS's actual charge against (once per quote:
        a second delivery or a return of the same order expects nothing more)."""
        charges = self.env["logistics.freight.charge"].sudo()
        for shipment in self:
            quote = shipment.sale_order_id._logistics_shipping_quote()
            if not quote or charges.search_count([("rate_quote_id", "=", quote.id)], limit=1):
                continue
            charges.create(
                {
                    "shipment_id": shipment.id,
                    "charge_type": "base_freight",
                    "name": _(
                        "%(service)s (quote %(quote)s)",
                        service=quote.name,
                        quote=quote.quote_reference,
                    ),
                    "currency_id": quote.currency_id.id,
                    "expected_amount": quote.price,
                    "rate_quote_id": quote.id,
                }
            )
