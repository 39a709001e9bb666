from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    logistics_service_level = fields.Char(
        string="TMS Service Level", help="Service level requested from the TMS, e.g. express."
    )
