from urllib.parse import urlparse

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .logistics_endpoint import BRIDGE_URL_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    logistics_bridge_public_url = fields.Char(
        string="Bridge public URL",
        config_parameter=BRIDGE_URL_PARAM,
        help="Where sources reach the bridges (https://hooks.example.com); each endpoint's "
        "inbound URL is this followed by /v1/in/<code>.",
    )

    @api.constrains("logistics_bridge_public_url")
    def _check_logistics_bridge_public_url(self):
        for settings in self.filtered("logistics_bridge_public_url"):
            parsed = urlparse(settings.logistics_bridge_public_url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValidationError(
                    _(
                        "The bridge public URL %(url)r must be an http or https URL.",
                        url=settings.logistics_bridge_public_url,
                    )
                )

    logistics_bridge_users = fields.Text(
        string="Bridge users",
        compute="_compute_logistics_bridge_users",
        help="Each bridge user and when its newest API key expires: forwarding stops then.",
    )

    def _compute_logistics_bridge_users(self):
        lines = self.env["logistics.bridge.connect"]._bridge_user_lines()
        self.logistics_bridge_users = "\n".join(lines) or _("No bridge user yet.")
