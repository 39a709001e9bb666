from odoo import models

GENERIC_PROFILE_XMLID = "logistics_tms_inbound.inbound_profile_generic_tms"


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    def _get_inbound_profile(self):
        """A TMS without a profile of its own speaks the generic tms-event v1 contract."""
        profile = super()._get_inbound_profile()
        if profile:
            return profile
        # Asked several times per ingested batch: the id from ir.model.data's cache,
        # without env.ref's existence query each time.
        return self.env["logistics.inbound.profile"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(GENERIC_PROFILE_XMLID)
        )
