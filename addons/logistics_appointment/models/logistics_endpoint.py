from odoo import api, fields, models

from odoo.addons.logistics_integration.validation import (
    MAX_SYNCHRONOUS_TIMEOUT_SECONDS,
    check_bounds,
)


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    appointment_timeout = fields.Float(
        default=5.0,
        help="Seconds a request for delivery windows waits for this TMS (to connect, then "
        "to answer) while the customer waits on the portal.",
    )

    @api.constrains("appointment_timeout")
    def _check_appointment_timeout(self):
        check_bounds(
            self,
            {"appointment_timeout": (0, MAX_SYNCHRONOUS_TIMEOUT_SECONDS)},
            lowest_excluded=True,
        )
