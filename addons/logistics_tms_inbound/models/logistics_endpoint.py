from odoo import fields, models

from .logistics_inbound_profile import GENERIC_PROFILE_XMLID


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    logistics_inbound_profile_id = fields.Many2one(
        comodel_name="logistics.inbound.profile",
        string="Inbound Profile",
        help="Where this source's events keep each field; the generic TMS contract when empty.",
    )
    logistics_status_mapping_ids = fields.One2many(
        comodel_name="logistics.status.mapping",
        inverse_name="endpoint_id",
        string="Status Mapping",
    )

    def _get_inbound_profile(self):
        self.ensure_one()
        return self.logistics_inbound_profile_id or self.env.ref(GENERIC_PROFILE_XMLID)

    def _get_status_mapping_table(self):
        """``{(raw_code, raw_detail or ""): mapping}``; endpoint lines override profile lines."""
        self.ensure_one()
        table = {}
        for mapping in self._get_inbound_profile().status_mapping_ids:
            table[(mapping.raw_code, mapping.raw_detail or "")] = mapping
        for mapping in self.logistics_status_mapping_ids:
            table[(mapping.raw_code, mapping.raw_detail or "")] = mapping
        return table
