from odoo import _, api, fields, models

from odoo.addons.logistics_integration.validation import check_http_url

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
        check_http_url(self, "logistics_bridge_public_url")

    logistics_bridge_users = fields.Text(
        string="Bridge users",
        compute="_compute_logistics_bridge_users",
        help="Each bridge user and when its newest API key expires: forwarding stops then.",
    )

    def _compute_logistics_bridge_users(self):
        lines = self.env["logistics.bridge.connect"]._bridge_user_lines()
        self.logistics_bridge_users = "\n".join(lines) or _("No bridge user yet.")
