from odoo import fields, models

from ..profiles import get_profile


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    tms_profile = fields.Selection(
        selection=[("generic_v1", "Generic JSON (tms-order v1)")],
        string="TMS Profile",
        default="generic_v1",
        help="How shipments are turned into this TMS's payloads and its answers read "
        "back. Other profiles are added by small modules.",
    )

    def _get_tms_profile(self):
        """The profile object that builds this TMS's payloads and reads its answers."""
        self.ensure_one()
        return get_profile(self.tms_profile or "generic_v1")
