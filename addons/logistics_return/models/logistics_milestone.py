from odoo import api, models


class LogisticsMilestone(models.Model):
    _inherit = "logistics.milestone"

    @api.model_create_multi
    def create(self, vals_list):
        milestones = super().create(vals_list)
        for milestone in milestones:
            if milestone.event_type_id.code == "returned" and milestone.shipment_id.return_of_id:
                milestone.shipment_id._on_return_completed(milestone)
        return milestones
