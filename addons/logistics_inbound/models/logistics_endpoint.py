from odoo import fields, models


class LogisticsEndpoint(models.Model):
    _inherit = "logistics.endpoint"

    logistics_inbound_profile_id = fields.Many2one(
        comodel_name="logistics.inbound.profile",
        string="Inbound Profile",
        help="How this source's events or documents become canonical events.",
    )
    logistics_status_mapping_ids = fields.One2many(
        comodel_name="logistics.status.mapping",
        inverse_name="endpoint_id",
        string="Status Mapping",
    )

    def _get_inbound_profile(self):
        """The profile that reads this endpoint's events (empty if none is configured)."""
        self.ensure_one()
        return self.logistics_inbound_profile_id

    def _get_status_mapping_table(self):
        """``{(raw_code, raw_detail or ""): mapping}``; endpoint lines override profile lines."""
        self.ensure_one()
        table = {}
        for mapping in self._get_inbound_profile().status_mapping_ids:
            table[(mapping.raw_code, mapping.raw_detail or "")] = mapping
        for mapping in self.logistics_status_mapping_ids:
            table[(mapping.raw_code, mapping.raw_detail or "")] = mapping
        return table

    def _get_inbound_interface(self, document_format):
        """The catalogue entry of this endpoint's inbound exchange, if one is recorded.

        An inbound interface whose contract is the document format wins over
        any other inbound interface of the endpoint.
        """
        self.ensure_one()
        interfaces = self.env["logistics.interface"].search(
            [("endpoint_id", "=", self.id), ("direction", "=", "inbound")]
        )
        exact = interfaces.filtered(lambda i: i.schema_name == document_format)
        return (exact or interfaces)[:1]
