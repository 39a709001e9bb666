from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    logistics_tolerance_ids = fields.One2many(
        comodel_name="logistics.carrier.tolerance",
        inverse_name="carrier_id",
        string="Freight Tolerances",
    )
