from odoo import fields, models


class LogisticsOnboardingMapping(models.TransientModel):
    """A status code the sample holds, and the milestone a person maps it onto (if any)."""

    _name = "logistics.onboarding.mapping"
    _description = "Onboarding Status Code"
    _order = "id"

    wizard_id = fields.Many2one(
        comodel_name="logistics.onboarding.wizard", required=True, ondelete="cascade"
    )
    raw_code = fields.Char(string="Partner Code", required=True, readonly=True)
    event_type_id = fields.Many2one(
        comodel_name="logistics.event.type",
        string="Canonical Event",
        help="Empty: events with this code wait for review until it is mapped.",
    )
