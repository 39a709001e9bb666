from odoo import fields, models


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    master_data_hold_orders = fields.Boolean(
        string="Orders Wait for Master Data",
        help="An order naming a ship-to address, product or carrier service this TMS has "
        "not acknowledged yet first sends those records and leaves once the TMS has them. "
        "Off: orders leave at once, carrying their addresses and products in full.",
    )
