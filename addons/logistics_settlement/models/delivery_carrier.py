from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    logistics_partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Billing Vendor",
        help="The vendor whose freight bills are matched against this carrier's shipments.",
    )
