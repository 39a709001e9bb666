from odoo import models

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
                        ("export_state", "in", ("blocked", "queued", "exported")),
                    ]
                )
            )
            shipments._tms_sync_if_tracked()
        return res
