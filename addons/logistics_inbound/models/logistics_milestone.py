from odoo import api, models


class LogisticsMilestone(models.Model):
    _inherit = "logistics.milestone"

    @api.model_create_multi
    def create(self, vals_list):
        """Every exception, however it is recorded (a source, a person, data), asks a
        person to handle it."""
        milestones = super().create(vals_list)
        # Read in the per-worker catalogue: the related field's machinery costs more per
        # milestone than the check itself, and ingestion creates milestones by the hundred.
        facts = milestones._event_facts()
        exceptions = milestones.filtered(lambda m: facts[m.id].category == "exception")
        for milestone in exceptions:
            milestone.shipment_id._notify_exception(milestone)
        return milestones
