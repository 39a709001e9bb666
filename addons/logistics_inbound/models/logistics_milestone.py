from odoo import api, models


class LogisticsMilestone(models.Model):
    _inherit = "logistics.milestone"

    @api.model_create_multi
    def create(self, vals_list):
        """Every exception, however it is recorded (a source, a person, data), asks a
        person to handle it."""
        milestones = super().create(vals_list)
        for milestone in milestones.filtered(lambda m: m.category == "exception"):
            milestone.shipment_id._notify_exception(milestone)
        return milestones
