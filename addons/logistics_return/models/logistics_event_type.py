from odoo import fields, models


class LogisticsEventType(models.Model):
    _inherit = "logistics.event.type"

    return_customer_label = fields.Char(
        string="Customer Label on Returns",
        translate=True,
        help="Wording shown to the customer for this milestone of a return they send back "
        "(e.g. 'Return received' rather than 'Returned to sender'); empty: the customer label.",
    )
