from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    logistics_tolerance_ids = fields.One2many("logistics.carrier.tolerance", "carrier_id")
