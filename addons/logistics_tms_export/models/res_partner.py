from odoo import models

from .logistics_shipment import TRACKED_EXPORT_STATES


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        res = super().write(vals)
        if self.env["logistics.endpoint"]._tms_changes_document(self._name, vals):
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
