from odoo import api, models


class LogisticsMilestone(models.Model):
    _inherit = "logistics.milestone"

    @api.model_create_multi
    def create(self, vals_list):
        milestones = super().create(vals_list)
        facts = milestones._event_facts()
        for milestone in milestones:
            if facts[milestone.id].code == "returned" and milestone.shipment_id.return_of_id:
                milestone.shipment_id._on_return_completed(milestone)
        return milestones

    @api.depends("shipment_id.return_of_id", "event_type_id.return_customer_label")
    def _compute_customer_label(self):
        """A return's milestones are worded for the customer who sends the goods back."""
        res = super()._compute_customer_label()
        for milestone in self.filtered("shipment_id.return_of_id"):
            if milestone.event_type_id.return_customer_label:
                milestone.customer_label = milestone.event_type_id.return_customer_label
        return res
