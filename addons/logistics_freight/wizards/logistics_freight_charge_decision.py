from odoo import fields, models


class LogisticsFreightChargeDecision(models.TransientModel):
    """A manager approves a variance or disputes a charge, always with a reason."""

    _name = "logistics.freight.charge.decision"
    _description = "Freight Charge Decision"

    charge_id = fields.Many2one(comodel_name="logistics.freight.charge", required=True)
    decision = fields.Selection(
        selection=[("approve", "Approve the variance"), ("dispute", "Dispute the charge")],
        required=True,
        default="approve",
    )
    reason = fields.Text(required=True)
    variance = fields.Monetary(related="charge_id.variance")
    variance_percent = fields.Float(related="charge_id.variance_percent")
    currency_id = fields.Many2one(related="charge_id.currency_id")

    def action_confirm(self):
        self.ensure_one()
        state = "approved" if self.decision == "approve" else "disputed"
        self.charge_id._record_decision(state, self.reason)
        return {"type": "ir.actions.act_window_close"}
