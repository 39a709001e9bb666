from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    appointment_timeout = fields.Float(
        default=5.0,
        help="Seconds a request for delivery windows waits for this TMS (to connect, then "
        "to answer) while the customer waits on the portal.",
    )

    @api.constrains("appointment_timeout")
    def _check_appointment_timeout(self):
        if any(endpoint.appointment_timeout <= 0 for endpoint in self):
            raise ValidationError(
                _("The appointment timeout must be a positive number of seconds.")
            )
