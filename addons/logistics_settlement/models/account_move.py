from collections import defaultdict

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .account_move_line import PAYABLE_MATCH_STATES, SETTLEMENT_WRITE_CONTEXT

HOLD_ACTIVITY = "logistics_settlement.mail_activity_type_carrier_bill_hold"
AUDITOR_GROUP = "logistics_settlement.group_freight_auditor"
DISPUTE_TEMPLATE = "logistics_settlement.mail_template_carrier_bill_dispute"
#: A bill in these states can be neither posted nor paid.
HELD_STATES = ("held", "disputed")


class AccountMove(models.Model):
    """A vendor bill whose lines name shipments is a carrier freight bill: the
    settlement batch matches it against the approved freight charges. A matched bill
    is ready to post and pay; a held bill can be neither posted nor paid."""

    _inherit = "account.move"

    logistics_settlement_state = fields.Selection(
        selection=[
            ("to_settle", "To Match"),
            ("held", "Held"),
            ("disputed", "Disputed"),
            ("ready", "Ready to Pay"),
            ("paid", "Paid"),
        ],
        string="Carrier Settlement",
        compute="_compute_logistics_settlement_state",
        store=True,
        index=True,
        tracking=True,
        help="To Match: the next settlement run matches it against approved freight. "
        "Held: a line does not match; the reason is on the bill and a freight auditor has "
        "an activity. Disputed: held, and the differences were sent to the carrier. "
        "Ready to Pay: every line matches or its variance was accepted. Paid: ready, and "
        "paid.",
    )
    logistics_hold_reason = fields.Text(
        string="Settlement Hold Reason",
        compute="_compute_logistics_settlement_state",
        store=True,
    )
    logistics_disputed = fields.Boolean(
        string="Disputed with the Carrier",
        readonly=True,
        copy=False,
        help="The differences of the held lines were sent to the carrier: the bill stays "
        "held until the carrier corrects it or a freight auditor decides otherwise.",
    )

    @api.depends(
        "move_type",
        "payment_state",
        "logistics_disputed",
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
            elif states <= set(PAYABLE_MATCH_STATES):
                state = "paid" if move.payment_state in ("paid", "in_payment") else "ready"
            else:
                state = "disputed" if move.logistics_disputed else "held"
            move.logistics_settlement_state = state
            move.logistics_hold_reason = (
                "\n".join(
                    f"{line.logistics_shipment_ref}: {line.logistics_match_note}"
                    for line in lines._logistics_held()
                )
                if state in HELD_STATES
                else False
            )

    def _post(self, soft=True):
        self._logistics_check_not_held(_("posted"))
        return super()._post(soft=soft)

    def action_register_payment(self):
        self._logistics_check_not_held(_("paid"))
        return super().action_register_payment()

    def _logistics_check_not_held(self, action):
        held = self.filtered(lambda move: move.logistics_settlement_state in HELD_STATES)
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
        self._logistics_check_auditor()
        for bill in self.filtered("logistics_settlement_state"):
            bill.sudo()._logistics_match_carrier_bill()
        return True

    def _logistics_check_auditor(self):
        if not self.env.user.has_group(AUDITOR_GROUP):
            raise AccessError(_("Only Freight Auditors may match or decide on carrier bills."))

    # ------------------------------------------------------------------
    # Freight-audit decisions on a held bill
    # ------------------------------------------------------------------

    def _logistics_accept_variance(self, reason):
        """Pay the billed amount of the lines that differ from the approved freight:
        the lines record why, and their charges count as billed by them."""
        groups = self._logistics_start_decision(variance_only=True)
        rows = self._logistics_decision_rows(groups)
        accepted = self.env["account.move.line"].union(*groups.values())
        for (_reference, charge_type), lines in groups.items():
            lines[:1].logistics_shipment_id.charge_ids.filtered(
                lambda charge, ct=charge_type: charge.charge_type == ct
            ).write({"bill_line_id": lines[:1].id})
        accepted.write(
            {
                "logistics_match_state": "accepted",
                "logistics_match_note": _("Variance accepted: %s", reason),
                "logistics_variance_reason": reason,
            }
        )
        self._logistics_log_settlement(accepted)
        self._logistics_record_decision(_("Variance accepted"), reason, rows)

    def _logistics_short_pay(self, reason):
        """Pay the approved freight, not the billed amount: each line group billed above
        it gets a negative line for the difference, and the bill is matched again."""
        groups = self._logistics_start_decision(variance_only=True)
        overbilled = {
            key: lines
            for key, lines in groups.items()
            if self.currency_id.compare_amounts(
                sum(lines.mapped("price_subtotal")), lines[:1].logistics_approved_amount
            )
            > 0
        }
        if not overbilled:
            raise UserError(
                _(
                    "No held line of %(bill)s bills more than the approved freight: accept "
                    "the variance or dispute it instead.",
                    bill=self.display_name,
                )
            )
        rows = self._logistics_decision_rows(overbilled)
        self.write(
            {
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": _(
                                "Short-paid %(reference)s: %(difference).2f above the approved "
                                "freight",
                                reference=row["reference"],
                                difference=row["difference"],
                            ),
                            "quantity": 1,
                            "price_unit": -row["difference"],
                            "account_id": lines[:1].account_id.id,
                            "tax_ids": [Command.set(lines[:1].tax_ids.ids)],
                            "analytic_distribution": lines[:1].analytic_distribution,
                            "logistics_shipment_ref": lines[:1].logistics_shipment_ref,
                            "logistics_charge_type": lines[:1].logistics_charge_type,
                        }
                    )
                    for row, lines in zip(rows, overbilled.values(), strict=True)
                ]
            }
        )
        self._logistics_record_decision(_("Short-paid at the approved freight"), reason, rows)
        self._logistics_match_carrier_bill()

    def _logistics_dispute(self, reason):
        """Send the carrier the held lines with their differences; the bill stays held,
        as disputed, until the carrier corrects it or an auditor decides otherwise."""
        groups = self._logistics_start_decision(variance_only=False)
        rows = self._logistics_decision_rows(groups)
        template = self.env.ref(DISPUTE_TEMPLATE).with_context(
            logistics_dispute_rows=rows, logistics_dispute_reason=reason
        )
        self.message_post(
            body=template._render_field("body_html", self.ids)[self.id],
            subject=template._render_field("subject", self.ids)[self.id],
            partner_ids=self.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.logistics_disputed = True
        self._logistics_record_decision(_("Disputed with the carrier"), reason, rows)

    def _logistics_start_decision(self, variance_only):
        """The held lines of this bill a decision is about, by (reference, charge type):
        those that bill approved freight at another amount, or with ``variance_only``
        false, every held line."""
        self.ensure_one()
        self._logistics_check_auditor()
        if self.logistics_settlement_state not in HELD_STATES:
            raise UserError(
                _("Carrier bill %s is not held: there is nothing to decide.", self.display_name)
            )
        lines = self.invoice_line_ids._logistics_held()
        if variance_only:
            lines = lines.filtered("logistics_approved_amount")
        if not lines:
            raise UserError(
                _(
                    "No held line of %(bill)s bills approved freight: its shipments or "
                    "charges must be fixed, or the bill disputed.",
                    bill=self.display_name,
                )
            )
        groups = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            groups[line._logistics_match_key()] |= line
        return dict(groups)

    def _logistics_decision_rows(self, groups):
        """Per (reference, charge type) what was billed and approved, as a decision
        records it and the dispute tells the carrier."""
        charge_types = dict(
            self.env["account.move.line"]
            ._fields["logistics_charge_type"]
            ._description_selection(self.env)
        )
        rows = []
        for (reference, charge_type), lines in groups.items():
            billed = sum(lines.mapped("price_subtotal"))
            approved = lines[:1].logistics_approved_amount
            rows.append(
                {
                    "reference": reference,
                    "charge_type": charge_types.get(charge_type, charge_type),
                    "billed": billed,
                    "approved": approved,
                    "difference": self.currency_id.round(billed - approved),
                    "note": lines[:1].logistics_match_note,
                }
            )
        return rows

    def _logistics_record_decision(self, decision, reason, rows):
        """The audit trail of a decision (who, why, the amounts) on the bill; the hold
        activity is done. A bill still held afterwards gets a new one for what is left."""
        amounts = [
            _(
                "%(reference)s (%(charge_type)s): billed %(billed).2f, approved "
                "%(approved).2f, difference %(difference).2f %(currency)s",
                currency=self.currency_id.name,
                **row,
            )
            for row in rows
        ]
        summary = _(
            "%(decision)s by %(user)s: %(reason)s",
            decision=decision,
            user=self.env.user.name,
            reason=reason,
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (summary, Markup().join(Markup("<li>%s</li>") % amount for amount in amounts))
        )
        self.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(HOLD_ACTIVITY)
        ).action_feedback(feedback="\n".join([summary, *amounts]))
        self._logistics_follow_up_hold()

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
                ("logistics_settlement_state", "in", ("to_settle", *HELD_STATES)),
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
        charges of the named shipment, within the carrier's freight tolerance. A line
        whose variance a freight auditor accepted keeps that decision."""
        self.ensure_one()
        lines = self.invoice_line_ids.filtered(
            lambda line: line.logistics_shipment_ref and line.logistics_match_state != "accepted"
        )
        before = {line: (line.logistics_match_state, line.logistics_match_note) for line in lines}
        lines._logistics_reset_match()
        groups = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            groups[line._logistics_match_key()] |= line
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
                        "summary": "carrier bill settlement",
                        "external_identifier": self.ref or self.name,
                        "correlation_id": line.logistics_shipment_id.correlation_id or False,
                        "model": self._name,
                        "res_id": self.id,
                        "state": "processed"
                        if line.logistics_match_state in PAYABLE_MATCH_STATES
                        else "needs_review",
                        "error": False
                        if line.logistics_match_state in PAYABLE_MATCH_STATES
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
            self.logistics_disputed = False
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
