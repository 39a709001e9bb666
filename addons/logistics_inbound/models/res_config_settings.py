from odoo import _, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    logistics_bridge_users = fields.Text(
        string="Bridge users",
        compute="_compute_logistics_bridge_users",
        help="Each bridge user and when its newest API key expires: forwarding stops then.",
    )

    def _compute_logistics_bridge_users(self):
        lines = self.env["logistics.bridge.connect"]._bridge_user_lines()
        self.logistics_bridge_users = "\n".join(lines) or _("No bridge user yet.")
