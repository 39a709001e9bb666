from odoo import models

from .logistics_shipment import TRACKED_EXPORT_STATES

#: Partner fields the TMS payload is built from.
TMS_PARTNER_FIELDS = {
    "name",
    "street",
    "street2",
    "city",
    "zip",
    "state_id",
    "country_id",
    "phone",
    "mobile",
    "email",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        res = super().write(vals)
        if TMS_PARTNER_FIELDS & set(vals):
            shipments = (
                self.env["logistics.shipment"]
                .sudo()
                .search(
                    [
                        ("partner_id", "in", self.ids),
                        ("export_state", "in", TRACKED_EXPORT_STATES),
                    ]
                )
            )
            shipments._tms_sync()
        return res
