from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class LogisticsFreightChargeDecision(models.TransientModel):
    """A manager approves a variance, disputes a charge or records the carrier's credit on a
    disputed charge, always with a reason."""

    _name = "logistics.freight.charge.decision"
    _description = "Freight Charge Decision"

    charge_id = fields.Many2one(comodel_name="logistics.freight.charge", required=True)
    charge_state = fields.Selection(related="charge_id.state")
    decision = fields.Selection(
        selection=[
            ("approve", "Approve the variance"),
            ("dispute", "Dispute the charge"),
            ("credit", "The carrier credits part of it"),
        ],
        required=True,
        default="approve",
    )
    reason = fields.Text(required=True)
    credit_amount = fields.Monetary(help="The amount the carrier credits on this charge.")
    expected_amount = fields.Monetary(related="charge_id.expected_amount")
    actual_amount = fields.Monetary(related="charge_id.actual_amount")
    variance = fields.Monetary(related="charge_id.variance")
    variance_percent_label = fields.Char(related="charge_id.variance_percent_label")
    currency_id = fields.Many2one(related="charge_id.currency_id")

    @api.constrains("decision", "credit_amount", "charge_id")
    def _check_credit(self):
        for wizard in self.filtered(lambda w: w.decision == "credit"):
            if wizard.charge_id.state != "disputed":
                raise ValidationError(_("Only a disputed charge can be credited."))
            rounding = wizard.currency_id.rounding
            if (
                float_compare(wizard.credit_amount, 0.0, precision_rounding=rounding) <= 0
                or float_compare(
                    wizard.credit_amount, wizard.actual_amount, precision_rounding=rounding
                )
                > 0
            ):
                raise ValidationError(
                    _(
                        "Credit amount: it must be more than zero and at most the billed "
                        "%(amount).2f.",
                        amount=wizard.actual_amount,
                    )
                )

    def action_confirm(self):
        self.ensure_one()
        if self.decision == "credit":
            self.charge_id._record_credit(self.credit_amount, self.reason)
        else:
            state = "approved" if self.decision == "approve" else "disputed"
            self.charge_id._record_decision(state, self.reason)
        return {"type": "ir.actions.act_window_close"}
