from odoo import api, models


class LogisticsMilestone(models.Model):
    _inherit = "logistics.milestone"

    @api.model_create_multi
    def create(self, vals_list):
        milestones = super().create(vals_list)
        milestones.filtered("customer_visible").mapped("shipment_id")._notify_customer(
            milestones.filtered("customer_visible")
        )
        return milestones
