from odoo import fields, models

DECISIONS = {
    "accept": "_logistics_accept_variance",
    "short_pay": "_logistics_short_pay",
    "dispute": "_logistics_dispute",
}


class LogisticsCarrierBillDecision(models.TransientModel):
    """A freight auditor decides on a held carrier bill, always with a reason."""

    _name = "logistics.carrier.bill.decision"
    _description = "Carrier Bill Decision"

    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Carrier Bill",
        required=True,
        domain=[("logistics_settlement_state", "in", ("held", "disputed"))],
    )
    hold_reason = fields.Text(related="move_id.logistics_hold_reason")
    decision = fields.Selection(
        selection=[
            ("accept", "Accept the variance: pay what was billed"),
            ("short_pay", "Short-pay: pay the approved freight"),
            ("dispute", "Dispute: send the differences to the carrier"),
        ],
        required=True,
        default="accept",
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.move_id._logistics_check_auditor()
        # The decision reaches charges and shipments an auditor may not edit directly.
        getattr(self.move_id.sudo(), DECISIONS[self.decision])(self.reason)
        return {"type": "ir.actions.act_window_close"}
