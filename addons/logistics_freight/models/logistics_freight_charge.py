from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

# Writes by the freight audit itself (reconciliation, decisions, credits) or by a
# source reporting the actual amount are not a person's edit of the amount.
AUDIT_WRITE_CONTEXT = "logistics_freight_audit_write"
DISPUTE_EXCHANGE_TYPE = "freight_dispute"
DISPUTE_SCHEMA = "freight-dispute/1"
DISPUTE_PATH = "/v1/freight-disputes"


FREIGHT_AUDIT_STATES = [
    ("pending", "Awaiting Actual"),
    ("approved", "Approved"),
    ("on_hold", "On Hold"),
    ("disputed", "Disputed"),
]


class LogisticsFreightCharge(models.Model):
    """The freight audit of a charge: its reconciliation state and the decision on it."""

    _inherit = "logistics.freight.charge"
    _check_company_auto = True

    state = fields.Selection(
        selection=FREIGHT_AUDIT_STATES,
        string="Reconciliation",
        required=True,
        default="pending",
        index=True,
    )
    decision_reason = fields.Text(help="Why a manager approved or disputed the variance.")
    decision_user_id = fields.Many2one(comodel_name="res.users", string="Decided By", readonly=True)
    decision_date = fields.Datetime(readonly=True)
    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint",
        string="Reported By",
        readonly=True,
        ondelete="set null",
        check_company=True,
        help="The system that reported the actual amount; it is told about disputes.",
    )
    manual_actual = fields.Boolean(
        string="Entered in Odoo",
        readonly=True,
        copy=False,
        help="The actual amount was typed in Odoo although another system owns freight "
        "charges: flagged for a manager's review.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        typed = self._is_person_edit() and any(vals.get("actual_amount") for vals in vals_list)
        if typed:
            manual_values = self._manual_actual_values()
            for vals in vals_list:
                if vals.get("actual_amount"):
                    vals.update(manual_values)
        charges = super().create(vals_list)
        if typed:
            charges.filtered("has_actual")._reconcile()
        return charges

    def write(self, vals):
        if "actual_amount" not in vals or not self._is_person_edit():
            return super().write(vals)
        vals = dict(vals, **self._manual_actual_values())
        result = super().write(vals)
        self._reconcile()
        return result

    def _is_person_edit(self):
        return not (self.env.su or self.env.context.get(AUDIT_WRITE_CONTEXT))

    def _manual_actual_values(self):
        """An actual amount typed in Odoo counts as received; under the ownership matrix
        it is refused or flagged for review when another system owns freight charges."""
        owner = self.env["logistics.data.ownership"]._get_owner("freight_charges")
        if not owner or owner.system_of_record == "odoo":
            return {"has_actual": True, "manual_actual": False}
        if owner.conflicting_edit_policy == "refuse":
            raise UserError(
                _(
                    "Actual freight charges are owned by the %(system)s; correct them there.",
                    system=dict(owner._fields["system_of_record"].selection).get(
                        owner.system_of_record
                    ),
                )
            )
        return {"has_actual": True, "manual_actual": True}

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

    def _reconcile(self, request_decision=True):
        """Approve charges within tolerance; hold the others for a manager's decision.

        An amount typed in Odoo against the ownership matrix is held whatever its
        variance: it is flagged for review.
        """
        held = self.browse()
        audit = self.with_context(**{AUDIT_WRITE_CONTEXT: True})
        for charge in audit.filtered("has_actual"):
            if charge._is_within_tolerance() and not charge.manual_actual:
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
        if request_decision:
            for shipment in held.mapped("shipment_id"):
                shipment._request_charge_decision(
                    held.filtered(lambda c, s=shipment: c.shipment_id == s)
                )
        # A corrected amount may settle what a person was asked to decide.
        for shipment in self.shipment_id.filtered(
            lambda s: not s.charge_ids.filtered(lambda c: c.state in ("on_hold", "disputed"))
        ):
            shipment._close_charge_activities(_("Within tolerance."))
        return held

    def _record_decision(self, state, reason):
        """A manager's decision on held or disputed charges: ``approved`` or ``disputed``,
        with why. A dispute keeps the invoice on hold, is sent to the system that reported
        the charge and leaves a dispute activity; the shipment says whether its invoice
        is released or still held."""
        self.with_context(**{AUDIT_WRITE_CONTEXT: True}).write(
            {
                "state": state,
                "decision_reason": reason,
                "decision_user_id": self.env.user.id,
                "decision_date": fields.Datetime.now(),
            }
        )
        if state == "disputed":
            self._notify_dispute(reason)
        for shipment in self.mapped("shipment_id"):
            charges = self.filtered(lambda c, s=shipment: c.shipment_id == s)
            shipment.message_post(
                body=_(
                    "Freight charges %(charges)s %(decision)s: %(reason)s",
                    charges=", ".join(charges.mapped("display_name")),
                    decision=_("approved") if state == "approved" else _("disputed"),
                    reason=reason,
                )
            )
            shipment._after_charge_decision(reason)

    def _record_credit(self, amount, reason):
        """The carrier credits ``amount`` on a disputed charge: the actual amount drops by
        it and the charge is reconciled again (approved within tolerance, else held)."""
        for charge in self:
            charge.with_context(**{AUDIT_WRITE_CONTEXT: True}).write(
                {"actual_amount": charge.actual_amount - amount, "manual_actual": False}
            )
            charge.shipment_id.message_post(
                body=_(
                    "Credit of %(amount).2f %(currency)s on %(charge)s: %(reason)s",
                    amount=amount,
                    currency=charge.currency_id.name,
                    charge=charge.display_name,
                    reason=reason,
                )
            )
        self._reconcile(request_decision=False)
        for shipment in self.mapped("shipment_id"):
            shipment._after_charge_decision(reason)

    def _notify_dispute(self, reason):
        """Tell the system that reported each charge that it is disputed, through the
        outbox (idempotent per decision, retried, logged)."""
        outbox = self.env["logistics.outbound.message"].sudo()
        prefix = outbox._idempotency_key_prefix()
        for charge in self.filtered("endpoint_id"):
            outbox._enqueue(
                charge.endpoint_id,
                DISPUTE_EXCHANGE_TYPE,
                charge,
                charge._prepare_dispute(reason),
                DISPUTE_PATH,
                idempotency_key=f"{prefix}-charge-{charge.id}-dispute-"
                f"{fields.Datetime.to_string(charge.decision_date)}",
                correlation_id=charge.shipment_id.correlation_id,
                schema_version=DISPUTE_SCHEMA,
                description=_(
                    "Freight dispute %(charge)s to %(endpoint)s",
                    charge=charge.display_name,
                    endpoint=charge.endpoint_id.name,
                ),
            )

    def _prepare_dispute(self, reason):
        self.ensure_one()
        shipment = self.shipment_id
        return {
            "event": "freight.dispute",
            "shipment": shipment.name,
            "shipment_reference": shipment.sudo().tms_reference or None,
            "charge_id": self.external_charge_id or None,
            "charge_type": self.charge_type,
            "expected_amount": self.expected_amount,
            "billed_amount": self.actual_amount,
            "currency": self.currency_id.name,
            "reason": reason,
            "correlation_id": shipment.correlation_id,
        }

    def _describe_variance(self):
        self.ensure_one()
        return _(
            "%(charge)s: expected %(expected).2f, billed %(actual).2f, variance "
            "%(variance)+.2f (%(percent)s)%(manual)s",
            charge=self.display_name,
            expected=self.expected_amount,
            actual=self.actual_amount,
            variance=self.variance,
            percent=self.variance_percent_label or _("nothing expected"),
            manual=_(", entered in Odoo") if self.manual_actual else "",
        )

    def action_approve_variance(self):
        return self._open_decision_wizard("approve")

    def action_dispute(self):
        return self._open_decision_wizard("dispute")

    def action_credit(self):
        return self._open_decision_wizard("credit")

    def _open_decision_wizard(self, decision):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": {
                "approve": _("Approve Variance"),
                "dispute": _("Dispute Charge"),
                "credit": _("Carrier Credit"),
            }[decision],
            "res_model": "logistics.freight.charge.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_charge_id": self.id, "default_decision": decision},
        }
