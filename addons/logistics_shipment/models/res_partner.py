from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    logistics_shipment_count = fields.Integer(
        compute="_compute_logistics_shipment_count",
        groups="logistics_integration.group_logistics_user,sales_team.group_sale_salesman",
    )

    def _compute_logistics_shipment_count(self):
        counts = dict(
            self.env["logistics.shipment"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.logistics_shipment_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_logistics_shipments(self):
        self.ensure_one()
        shipments = self.env["logistics.shipment"].search(
            [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        )
        return shipments._get_open_action()
