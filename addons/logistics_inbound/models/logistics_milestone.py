from odoo import api, models


class LogisticsMilestone(models.Model):
    _inherit = "logistics.milestone"

    @api.model_create_multi
    def create(self, vals_list):
        """Every exception, however it is recorded (a source, a person, data), asks a
        person to handle it."""
        milestones = super().create(vals_list)
        # Read on the catalogue directly: the related field's machinery costs more per
        # milestone than the check itself, and ingestion creates milestones by the hundred.
        exceptions = milestones.sudo().filtered(lambda m: m.event_type_id.category == "exception")
        for milestone in exceptions.with_env(milestones.env):
            milestone.shipment_id._notify_exception(milestone)
        return milestones
