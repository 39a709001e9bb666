from odoo import models

GENERIC_PROFILE_XMLID = "logistics_tms_inbound.inbound_profile_generic_tms"


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    def _get_inbound_profile(self):
        """A TMS without a profile of its own speaks the generic tms-event v1 contract."""
        return super()._get_inbound_profile() or self.env.ref(GENERIC_PROFILE_XMLID)
