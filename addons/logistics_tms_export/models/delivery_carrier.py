from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    logistics_carrier_code = fields.Char(
        string="TMS Carrier Code",
        index=True,
        help="Code the TMS uses for this carrier; sent as carrier preference and used "
        "to recognise the carrier the TMS assigns.",
    )
    logistics_service_level = fields.Char(
        string="TMS Service Level", help="Service level requested from the TMS, e.g. express."
    )
