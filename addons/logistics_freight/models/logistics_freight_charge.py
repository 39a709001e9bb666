from odoo import _, fields, models
from odoo.tools import float_compare, float_is_zero


class LogisticsFreightCharge(models.Model):
    _inherit = "logistics.freight.charge"

    decision_user_id = fields.Many2one(comodel_name="res.users", string="Decided By", readonly=True)
    decision_date = fields.Datetime(readonly=True)

    def _is_within_tolerance(self):
        """Whether the actual amount lies within the carrier's (or company's) tolerance.

        Overcharges are held against the "over" limits, undercharges against
        the "under" limits; both the amount and the percentage limit must hold.
        A charge nobody expected (expected 0) has no percentage and is only
        within tolerance when it is zero too.
        """
        self.ensure_one()
        currency = self.currency_id
        variance = self.variance
        if float_is_zero(variance, precision_rounding=currency.rounding):
            return True
        limits = self.env["logistics.carrier.tolerance"]._get_limits(
            self.shipment_id.carrier_id, self.shipment_id.company_id
        )
        side = "over" if variance > 0 else "under"
        rounding = currency.rounding
        if float_compare(abs(variance), limits[f"amount_{side}"], precision_rounding=rounding) > 0:
            return False
        if float_is_zero(self.expected_amount, precision_rounding=currency.rounding):
            return False
        return (
            float_compare(abs(self.variance_percent), limits[f"percent_{side}"], precision_digits=6)
            <= 0
        )

    def _reconcile(self):
        """Approve charges within tolerance; hold the others for a manager's decision."""
        held = self.browse()
        for charge in self.filtered("has_actual"):
            if charge._is_within_tolerance():
                charge.write(
                    {
                        "state": "approved",
                        "decision_reason": _("Within tolerance."),
                        "decision_user_id": False,
                        "decision_date": fields.Datetime.now(),
                    }
                )
            else:
                charge.write({"state": "on_hold", "decision_reason": False})
                held |= charge
        for shipment in held.mapped("shipment_id"):
            shipment._request_charge_decision(
                held.filtered(lambda c, s=shipment: c.shipment_id == s)
            )
        return held

    def _record_decision(self, state, reason):
        """A manager's decision on held charges: ``approved`` or ``disputed``, with why."""
        self.write(
            {
                "state": state,
                "decision_reason": reason,
                "decision_user_id": self.env.user.id,
                "decision_date": fields.Datetime.now(),
            }
        )
        for shipment in self.mapped("shipment_id"):
            charges = self.filtered(lambda c, s=shipment: c.shipment_id == s)
            if not shipment.charge_ids.filtered(lambda c: c.state == "on_hold"):
                shipment._close_charge_activities(reason)
            shipment.message_post(
                body=_(
                    "Freight charges %(charges)s %(decision)s: %(reason)s",
                    charges=", ".join(c.name or c.external_charge_id or "" for c in charges),
                    decision=_("approved") if state == "approved" else _("disputed"),
                    reason=reason,
                )
            )

    def action_approve_variance(self):
        return self._open_decision_wizard("approve")

    def action_dispute(self):
        return self._open_decision_wizard("dispute")

    def _open_decision_wizard(self, decision):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Approve Variance") if decision == "approve" else _("Dispute Charge"),
            "res_model": "logistics.freight.charge.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_charge_id": self.id, "default_decision": decision},
        }
