from odoo import models


class LogisticsTmsAdapterGenericV1(models.AbstractModel):
    _inherit = "logistics.tms.adapter.generic.v1"

    def _carrier_preference(self, shipment):
        """The carrier and service chosen among the TMS's quotes, when there was one."""
        quote = shipment.sale_order_id._logistics_shipping_quote()
        if not quote:
            return super()._carrier_preference(shipment)
        return {"carrier_code": quote.carrier_code, "service_level": quote.service_code}
