from odoo import api, models


class LogisticsMilestone(models.Model):
    _inherit = "logistics.milestone"

    @api.depends("raw_code", "raw_detail", "endpoint_id")
    def _compute_customer_label(self):
        """An exception tells the customer its reason: the customer status of its case
        type (the case it opened, else the one the case rules give), so a damage is not
        announced as a delay. Without one, the canonical exception's label."""
        res = super()._compute_customer_label()
        exceptions = self.filtered(lambda m: m.category == "exception")
        if not exceptions:
            return res
        opened = (
            self.env["logistics.case"]
            .sudo()
            .search([("milestone_id", "in", exceptions.filtered("id").ids)])
            .grouped("milestone_id")
        )
        rules = self.env["logistics.case.rule"]
        for milestone in exceptions:
            case_type = opened[milestone].case_type_id if milestone in opened else None
            case_type = case_type or rules._match(milestone)
            if case_type.status_label:
                milestone.customer_label = case_type.status_label
        return res
