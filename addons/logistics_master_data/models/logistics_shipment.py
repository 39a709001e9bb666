from odoo import fields, models


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    master_data_waiting = fields.Boolean(
        groups="base.group_user",
        readonly=True,
        copy=False,
        index=True,
        help="The order names master data its TMS has not acknowledged yet: it leaves "
        "once the TMS has it.",
    )
