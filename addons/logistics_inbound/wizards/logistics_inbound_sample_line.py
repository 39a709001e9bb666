from odoo import fields, models


class LogisticsInboundSampleLine(models.TransientModel):
    """One canonical event a sample yields, and what ingesting it would do."""

    _name = "logistics.inbound.sample.line"
    _description = "Inbound Sample Result"
    _order = "sequence, id"

    sample_id = fields.Many2one(comodel_name="logistics.inbound.sample", ondelete="cascade")
    onboarding_id = fields.Many2one(comodel_name="logistics.onboarding.wizard", ondelete="cascade")
    sequence = fields.Integer()
    event_id = fields.Char(string="Event ID")
    event_type = fields.Char()
    shipment_reference = fields.Char(string="Shipment Key")
    shipment_id = fields.Many2one(comodel_name="logistics.shipment")
    status_code = fields.Char()
    status_detail = fields.Char()
    canonical_event_id = fields.Many2one(
        comodel_name="logistics.event.type",
    )
    event_time = fields.Datetime()
    location = fields.Char()
    outcome = fields.Selection(
        selection=[
            ("processed", "Would be processed"),
            ("needs_review", "Would wait for review"),
            ("duplicate", "Already received"),
            ("rejected", "Would be rejected"),
        ]
    )
    reason = fields.Text()
