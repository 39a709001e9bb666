from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .account_move_line import SETTLEMENT_WRITE_CONTEXT

HOLD_ACTIVITY = "logistics_settlement.mail_activity_type_carrier_bill_hold"
AUDITOR_GROUP = "logistics_settlement.group_freight_auditor"


class AccountMove(models.Model):
    """A vendor bill whose lines name shipments is a carrier freight bill: the
    settlement batch matches it against the approved freight charges. A matched bill
    is ready to post and pay; a held bill can be neither posted nor paid."""

    _inherit = "account.move"

    logistics_settlement_state = fields.Selection(
        selection=[
            ("to_settle", "To Match"),
            ("ready", "Ready to Pay"),
            ("held", "On Hold"),
        ],
        string="Carrier Settlement",
        compute="_compute_logistics_settlement_state",
        store=True,
        index=True,
        tracking=True,
        help="To Match: the next settlement run matches it against approved freight. "
        "Ready to Pay: every line matches. On Hold: a line does not match; the reason is "
        "on the bill and the freight auditor has an activity.",
    )
    logistics_hold_reason = fields.Text(
        string="Settlement Hold Reason",
        compute="_compute_logistics_settlement_state",
        store=True,
    )

    @api.depends(
        "move_type",
        "invoice_line_ids.logistics_shipment_ref",
        "invoice_line_ids.logistics_match_state",
        "invoice_line_ids.logistics_match_note",
    )
    def _compute_logistics_settlement_state(self):
        for move in self:
            lines = move.invoice_line_ids.filtered("logistics_shipment_ref")
            states = set(lines.mapped("logistics_match_state"))
            if move.move_type != "in_invoice" or not lines:
                state = False
            elif False in states:
                state = "to_settle"
            elif states == {"matched"}:
                state = "ready"
            else:
                state = "held"
            move.logistics_settlement_state = state
            move.logistics_hold_reason = (
                "\n".join(
                    f"{line.logistics_shipment_ref}: {line.logistics_match_note}"
                    for line in lines
                    if line.logistics_match_state in ("mismatch", "unmatched")
                )
                if state == "held"
                else False
            )

    def _post(self, soft=True):
        self._logistics_check_not_held(_("posted"))
        return super()._post(soft=soft)

    def action_register_payment(self):
        self._logistics_check_not_held(_("paid"))
        return super().action_register_payment()

    def _logistics_check_not_held(self, action):
        held = self.filtered(lambda move: move.logistics_settlement_state == "held")
        if held:
            raise UserError(
                _(
                    "Carrier bill %(bill)s is on hold and cannot be %(action)s:\n%(reason)s",
                    bill=held[0].display_name,
                    action=action,
                    reason=held[0].logistics_hold_reason,
                )
            )

    def action_logistics_match(self):
        """Match these carrier bills now, without waiting for the settlement batch."""
        if not self.env.user.has_group(AUDITOR_GROUP):
            raise AccessError(_("Only Freight Auditors may match carrier bills."))
        for bill in self.filtered("logistics_settlement_state"):
            bill.sudo()._logistics_match_carrier_bill()
        return True

    # ------------------------------------------------------------------
    # Settlement batch
    # ------------------------------------------------------------------

    @api.model
    def _logistics_settle_carrier_bills(self, companies, window):
        """Match the carrier bills of ``companies`` entered up to the window's end;
        bills on hold are matched again (their charges may have been approved since)."""
        bills = self.search(
            [
                ("move_type", "=", "in_invoice"),
                ("company_id", "in", companies.ids),
                ("state", "!=", "cancel"),
                ("logistics_settlement_state", "in", ("to_settle", "held")),
                ("create_date", "<=", window[1]),
            ],
            order="id",
        )
        for bill in bills:
            bill._logistics_match_carrier_bill()
        settled = bills.filtered(lambda bill: bill.logistics_settlement_state == "ready")
        summary = _(
            "%(count)s carrier bills matched: %(ready)s ready to pay, %(held)s on hold.",
            count=len(bills),
            ready=len(settled),
            held=len(bills - settled),
        )
        # Held bills are the freight auditor's work (an activity each), not a failed run.
        return summary, True

    def _logistics_match_carrier_bill(self):
        """Match each (reference, charge type) of this bill against the approved
        charges of the named shipment, within the carrier's freight tolerance."""
        self.ensure_one()
        lines = self.invoice_line_ids.filtered("logistics_shipment_ref")
        before = {line: (line.logistics_match_state, line.logistics_match_note) for line in lines}
        lines._logistics_reset_match()
        groups = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            key = (
                line.logistics_shipment_ref.strip(),
                line.logistics_charge_type or "base_freight",
            )
            groups[key] |= line
        writer = lines.with_context(**{SETTLEMENT_WRITE_CONTEXT: True})
        for (reference, charge_type), group in groups.items():
            values = self._logistics_match_group(reference, charge_type, group)
            writer.filtered(lambda line, g=group: line in g).write(values)
        self._logistics_log_settlement(
            lines.filtered(
                lambda line: before[line] != (line.logistics_match_state, line.logistics_match_note)
            )
        )
        self._logistics_follow_up_hold()

    def _logistics_log_settlement(self, lines):
        """Put the outcome of ``lines`` in the integration log under the correlation id
        of each shipment they name, so one search shows order, charges, carrier bill and
        invoice. Only changed outcomes are logged: a bill held over many runs is one
        record until it changes."""
        self.ensure_one()
        self.env["logistics.integration.log"]._record_exchanges(
            [
                (
                    {
                        "direction": "inbound",
                        "operation": "carrier bill settlement",
                        "external_identifier": self.ref or self.name,
                        "correlation_id": line.logistics_shipment_id.correlation_id or False,
                        "model": self._name,
                        "res_id": self.id,
                        "state": "processed"
                        if line.logistics_match_state == "matched"
                        else "needs_review",
                        "error": False
                        if line.logistics_match_state == "matched"
                        else line.logistics_match_note,
                    },
                    {
                        "bill": self.name,
                        "vendor": self.commercial_partner_id.name,
                        "shipment_reference": line.logistics_shipment_ref,
                        "charge_type": line.logistics_charge_type,
                        "billed": line.price_subtotal,
                        "approved": line.logistics_approved_amount,
                        "currency": self.currency_id.name,
                    },
                    {"settlement": line.logistics_match_state, "note": line.logistics_match_note},
                )
                for line in lines
            ]
        )

    def _logistics_match_group(self, reference, charge_type, lines):
        """Values for ``lines``, which bill ``charge_type`` of the shipment ``reference``."""
        shipment = lines._logistics_find_shipment(reference, self.company_id)
        if not shipment:
            return {
                "logistics_match_state": "unmatched",
                "logistics_match_note": _("No shipment has this reference."),
            }
        values = {"logistics_shipment_id": shipment.id}
        carrier_partner = shipment.carrier_id.logistics_partner_id.commercial_partner_id
        if carrier_partner != self.commercial_partner_id:
            return dict(
                values,
                logistics_match_state="mismatch",
                logistics_match_note=_(
                    "Shipment %(shipment)s is carried by %(carrier)s, not billed by %(vendor)s.",
                    shipment=shipment.name,
                    carrier=shipment.carrier_id.name or _("no carrier"),
                    vendor=self.commercial_partner_id.name,
                ),
            )
        charges = shipment.charge_ids.filtered(lambda c: c.charge_type == charge_type)
        problem = self._logistics_charge_problem(charges)
        if problem:
            return dict(values, logistics_match_state="mismatch", logistics_match_note=problem)
        billed = sum(lines.mapped("price_subtotal"))
        approved = sum(
            charge.currency_id._convert(
                charge.actual_amount,
                self.currency_id,
                self.company_id,
                self.invoice_date or fields.Date.context_today(self),
            )
            for charge in charges
        )
        values["logistics_approved_amount"] = approved
        # The freight audit's own tolerance rules, applied to billed against approved.
        audit = charges[:1].new(
            {
                "shipment_id": shipment.id,
                "charge_type": charge_type,
                "currency_id": self.currency_id.id,
                "expected_amount": approved,
                "actual_amount": billed,
                "has_actual": True,
            }
        )
        if not audit._is_within_tolerance():
            return dict(
                values,
                logistics_match_state="mismatch",
                logistics_match_note=_(
                    "Billed %(billed).2f, approved %(approved).2f %(currency)s: outside "
                    "the carrier's tolerance.",
                    billed=billed,
                    approved=approved,
                    currency=self.currency_id.name,
                ),
            )
        charges.write({"bill_line_id": lines[:1].id})
        return dict(values, logistics_match_state="matched", logistics_match_note=_("Matches."))

    def _logistics_charge_problem(self, charges):
        """Why ``charges`` cannot settle this bill, or False."""
        if not charges:
            return _("The shipment has no freight charge of this type.")
        unapproved = charges.filtered(lambda c: c.state != "approved")
        if unapproved:
            states = dict(charges._fields["state"]._description_selection(self.env))
            return _(
                "Freight charge %(charge)s is %(state)s, not approved.",
                charge=unapproved[0].display_name,
                state=states[unapproved[0].state],
            )
        other_bills = charges.bill_line_id.move_id.filtered(
            lambda bill: bill != self and bill.state != "cancel"
        )
        if other_bills:
            return _(
                "Already billed on %(bill)s.", bill=", ".join(other_bills.mapped("display_name"))
            )
        return False

    def _logistics_follow_up_hold(self):
        """A held bill gets one activity for the freight auditor with the reasons; a
        bill that matches again closes it."""
        self.ensure_one()
        activities = self.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(HOLD_ACTIVITY)
        )
        if self.logistics_settlement_state == "ready":
            activities.action_feedback(feedback=_("The carrier bill now matches."))
            return
        if self.logistics_settlement_state != "held":
            return
        note = self.logistics_hold_reason.replace("\n", "<br/>")
        if activities:
            activities.write({"note": note})
            return
        # Only a Freight Auditor sees the hold's buttons: the matrix's exception owner
        # when they are one, else an auditor of the bill's company.
        matrix = self.env["logistics.data.ownership"].with_company(self.company_id)
        owner = matrix._get_owner("carrier_settlement").exception_owner_id
        auditor = self.env["res.users"]._logistics_get_assignee(
            self, owner.filtered(lambda user: user.has_group(AUDITOR_GROUP)), group=AUDITOR_GROUP
        )
        self.activity_schedule(
            HOLD_ACTIVITY,
            summary=_("Carrier bill does not match approved freight"),
            note=note,
            user_id=auditor.id,
        )
