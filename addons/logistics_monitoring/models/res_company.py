from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.mail import single_email_re

from odoo.addons.logistics_integration.validation import check_bounds

# Heartbeats come every minute or so; a month of silence is the longest wait that means
# anything.
MAX_BRIDGE_STALE_SECONDS = 30 * 24 * 3600


class ResCompany(models.Model):
    _inherit = "res.company"

    logistics_bridge_stale_seconds = fields.Integer(
        default=180,
        help="A bridge whose last heartbeat is older than this many seconds is shown as stale.",
    )
    logistics_sla_channel_id = fields.Many2one(
        comodel_name="discuss.channel",
        string="SLA Channel",
        help="Discuss channel told when an exchange type misses or meets its SLA again.",
    )
    logistics_sla_email = fields.Char(
        string="SLA E-mail",
        help="Address e-mailed when an exchange type misses or meets its SLA again "
        "(several: separated by commas).",
    )

    @api.constrains("logistics_bridge_stale_seconds")
    def _check_logistics_bridge_stale_seconds(self):
        check_bounds(self, {"logistics_bridge_stale_seconds": (1, MAX_BRIDGE_STALE_SECONDS)})

    @api.constrains("logistics_sla_email")
    def _check_logistics_sla_email(self):
        for company in self.filtered("logistics_sla_email"):
            addresses = [part.strip() for part in company.logistics_sla_email.split(",")]
            wrong = [address for address in addresses if not single_email_re.match(address)]
            if wrong:
                raise ValidationError(
                    _(
                        "SLA E-mail: %(wrong)r is not an e-mail address (name@example.com; "
                        "several are separated by commas).",
                        wrong=wrong[0],
                    )
                )
