import math
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from odoo.addons.logistics_integration.validation import check_bounds

CASE_STATES = [("open", "Open"), ("resolved", "Resolved")]
RESOLUTIONS = [
    ("carrier_claim", "Carrier claim"),
    ("credit_note", "Credit note"),
    ("no_action", "No action"),
]
CLAIM_STATES = [
    ("filed", "Filed"),
    ("accepted", "Accepted"),
    ("refunded", "Refunded"),
    ("rejected", "Rejected"),
]
#: A claim in these states is over: its follow-up activity is done.
CLAIM_CLOSED_STATES = ("refunded", "rejected")
CLAIM_ACTIVITY = "logistics_case.mail_activity_type_carrier_claim"
CASE_OPENED_SUMMARY = "service_case_opened"
OPENED_TEMPLATE = "logistics_case.mail_template_case_opened"
RESOLVED_TEMPLATE = "logistics_case.mail_template_case_resolved"


class LogisticsCase(models.Model):
    """A service case: an exception on a shipment that a person resolves.

    Opened once per shipment and case type while open, whatever the number of
    times the source reports the exception. Customers see its reference,
    type, state, dates and outcome (``_portal_fields``) on its portal page, where
    they reply; the owner, the resolution's reason and amounts stay internal.
    """

    _name = "logistics.case"
    _description = "Service Case"
    # The customer thread (a mail.thread) first: its hooks run before mail.thread's.
    _inherit = ["logistics.customer.thread", "mail.activity.mixin"]
    _portal_fields = frozenset(
        {
            "name",
            "shipment_id",
            "sale_order_id",
            "partner_id",
            "commercial_partner_id",
            "case_type_id",
            "customer_label",
            "state",
            "opened_date",
            "date_deadline",
            "resolved_date",
            "customer_outcome",
        }
    )
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default=lambda s: _("New")
    )
    shipment_id = fields.Many2one(
        comodel_name="logistics.shipment",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        related="shipment_id.company_id", store=True, index=True, precompute=True
    )
    sale_order_id = fields.Many2one(
        related="shipment_id.sale_order_id", store=True, index=True, precompute=True
    )
    commercial_partner_id = fields.Many2one(
        related="shipment_id.commercial_partner_id",
        store=True,
        index=True,
        precompute=True,
        string="Customer",
    )
    partner_id = fields.Many2one(
        related="shipment_id.partner_id",
        string="Customer Contact",
        help="The shipment's ship-to contact: who is told about the case.",
    )
    case_type_id = fields.Many2one(
        comodel_name="logistics.case.type", required=True, ondelete="restrict", tracking=True
    )
    customer_label = fields.Char(related="case_type_id.customer_label")
    state = fields.Selection(
        selection=CASE_STATES, required=True, default="open", index=True, tracking=True
    )
    opened_date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    date_deadline = fields.Datetime(string="Due", required=True, tracking=True)
    resolved_date = fields.Datetime(readonly=True, copy=False)
    milestone_id = fields.Many2one(
        groups="base.group_user",
        comodel_name="logistics.milestone",
        string="Exception",
        ondelete="set null",
        readonly=True,
        help="The exception milestone that opened the case.",
    )
    user_id = fields.Many2one(
        groups="base.group_user",
        comodel_name="res.users",
        string="Owner",
        required=True,
        tracking=True,
        domain=[("share", "=", False)],
    )
    correlation_id = fields.Char(
        groups="base.group_user", related="shipment_id.correlation_id", string="Correlation ID"
    )
    resolution = fields.Selection(selection=RESOLUTIONS, tracking=True, copy=False)
    resolution_reason = fields.Text(groups="base.group_user", copy=False)
    customer_outcome = fields.Char(
        compute="_compute_customer_outcome",
        compute_sudo=True,
        help="What the customer reads about the resolution (portal and e-mail).",
    )
    exception_activity_ids = fields.Many2many(
        groups="base.group_user",
        comodel_name="mail.activity",
        string="Shipment Exception Activities",
        copy=False,
        help="The shipment's activities about the exceptions of this case: done when the "
        "case is resolved.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    claim_amount = fields.Monetary(
        groups="base.group_user",
        copy=False,
        tracking=True,
        help="What is claimed from the carrier.",
    )
    credit_note_id = fields.Many2one(
        groups="base.group_user",
        comodel_name="account.move",
        copy=False,
        check_company=True,
        tracking=True,
        domain="[('move_type', '=', 'out_refund'), "
        "('commercial_partner_id', '=', commercial_partner_id)]",
        help="The customer credit note, made by Odoo's own flow on the invoice.",
    )
    claim_state = fields.Selection(
        groups="base.group_user",
        selection=CLAIM_STATES,
        string="Claim Status",
        copy=False,
        tracking=True,
        help="Filed: sent to the carrier. Accepted: the carrier agreed to pay. Refunded: "
        "the carrier's refund is recorded. Rejected: the carrier will not pay. The owner "
        "has a follow-up activity until the claim is refunded or rejected.",
    )
    claim_partner_id = fields.Many2one(
        groups="base.group_user",
        comodel_name="res.partner",
        string="Claimed From",
        copy=False,
        tracking=True,
        help="The carrier's billing partner: its vendor credit note refunds the claim.",
    )
    claim_date_deadline = fields.Date(
        groups="base.group_user",
        string="Claim Follow-up",
        copy=False,
        tracking=True,
        help="When the owner chases the carrier if it has not answered or paid.",
    )
    claim_refund_move_id = fields.Many2one(
        groups="base.group_user",
        comodel_name="account.move",
        string="Carrier Refund",
        copy=False,
        check_company=True,
        tracking=True,
        domain="[('move_type', '=', 'in_refund'), ('state', '=', 'posted'), "
        "('commercial_partner_id', '=?', claim_partner_id)]",
        help="The carrier's credit note that pays the claim.",
    )
    claim_refund_amount = fields.Monetary(
        groups="base.group_user",
        string="Refunded",
        copy=False,
        tracking=True,
        help="What the carrier paid on the claim: its credit note's total, or entered when "
        "the carrier paid otherwise.",
    )

    _sql_constraints = [
        (
            "milestone_unique",
            "unique(milestone_id)",
            "An exception opens at most one service case.",
        ),
    ]

    @api.depends("state", "resolution", "credit_note_id.state", "credit_note_id.name")
    @api.depends_context("lang")
    def _compute_customer_outcome(self):
        outcomes = {
            "carrier_claim": _("We settle this with the carrier; nothing more is needed from you."),
            "credit_note": _("You receive a credit note."),
            "no_action": _("No further action was needed."),
        }
        for case in self:
            outcome = outcomes.get(case.resolution) if case.state == "resolved" else False
            credit_note = case.credit_note_id
            if outcome and credit_note.state == "posted":
                outcome = _("Credit note %(number)s is issued to you.", number=credit_note.name)
            case.customer_outcome = outcome

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for case in self:
            case.access_url = f"/my/cases/{case.id}"
        return res

    def _resolution_problems(self):
        """What is missing for this case to be resolved, all of it."""
        self.ensure_one()
        problems = []
        if not self.resolution:
            problems.append(_("Resolution: choose how the case was resolved."))
        if not (self.resolution_reason or "").strip():
            problems.append(_("Resolution reason: say why the case is resolved so."))
        if self.resolution == "carrier_claim" and self.claim_amount <= 0:
            problems.append(_("Claim amount: a carrier claim needs a positive amount."))
        return problems

    def _check_resolvable(self):
        for case in self:
            problems = case._resolution_problems()
            if problems:
                raise ValidationError(
                    _(
                        "Case %(case)s cannot be resolved yet:\n%(problems)s",
                        case=case.name,
                        problems="\n".join(f"- {problem}" for problem in problems),
                    )
                )

    @api.constrains("state", "resolution", "resolution_reason", "claim_amount")
    def _check_resolution(self):
        self.filtered(lambda c: c.state == "resolved")._check_resolvable()

    @api.constrains("claim_amount", "claim_refund_amount")
    def _check_claim_amounts(self):
        check_bounds(self, {"claim_amount": (0, math.inf), "claim_refund_amount": (0, math.inf)})

    @api.constrains("credit_note_id", "commercial_partner_id")
    def _check_credit_note_customer(self):
        for case in self.sudo().filtered("credit_note_id"):
            if case.credit_note_id.commercial_partner_id != case.commercial_partner_id:
                raise ValidationError(
                    _(
                        "Credit note %(note)s is not for %(customer)s, the customer of case "
                        "%(case)s.",
                        note=case.credit_note_id.display_name,
                        customer=case.commercial_partner_id.display_name,
                        case=case.name,
                    )
                )

    @api.onchange("claim_refund_move_id")
    def _onchange_claim_refund_move_id(self):
        if self.claim_refund_move_id:
            self.claim_refund_amount = self.claim_refund_move_id.amount_total

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = sequence.next_by_code("logistics.case") or _("New")
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Opening, from an exception milestone
    # ------------------------------------------------------------------

    @api.model
    def _open_for_exception(self, milestone, case_type):
        """The open case of ``milestone``'s shipment and ``case_type``, opened if there is
        none: a repeated exception is noted on the case already open, and the same
        milestone told twice changes nothing."""
        shipment = milestone.shipment_id
        already = self.sudo().search([("milestone_id", "=", milestone.id)], limit=1)
        if already:
            return already
        existing = self.sudo().search(
            [
                ("shipment_id", "=", shipment.id),
                ("case_type_id", "=", case_type.id),
                ("state", "=", "open"),
            ],
            limit=1,
        )
        if existing:
            existing.message_post(
                body=_(
                    "Reported again: %(reason)s (%(when)s).",
                    reason=self._describe_milestone(milestone),
                    when=fields.Datetime.to_string(milestone.event_time),
                )
            )
            return existing
        opened = fields.Datetime.now()
        case = self.sudo().create(
            {
                "shipment_id": shipment.id,
                "case_type_id": case_type.id,
                "milestone_id": milestone.id,
                "user_id": self._default_owner(milestone, case_type).id,
                "opened_date": opened,
                "date_deadline": opened + timedelta(hours=case_type.sla_hours),
            }
        )
        case._on_opened(milestone)
        return case

    @api.model
    def _default_owner(self, milestone, case_type):
        """The case type's owner, else whoever handles the source's failures, else the
        shipment's responsible."""
        if case_type.user_id.active:
            return case_type.user_id
        if milestone.endpoint_id:
            return milestone.endpoint_id._get_failure_assignee()
        return milestone.shipment_id.user_id or self.env.user

    @api.model
    def _describe_milestone(self, milestone):
        reason = " / ".join(filter(None, [milestone.raw_code, milestone.raw_detail]))
        return reason or milestone.event_type_id.name

    def _on_opened(self, milestone):
        """Ask the owner to act, tell the customer, and log the case under the
        shipment's correlation id."""
        self.ensure_one()
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.to_date(self.date_deadline),
            summary=_(
                "%(type)s on %(shipment)s",
                type=self.case_type_id.name,
                shipment=self.shipment_id.name,
            ),
            note=_(
                "Reported by %(origin)s: %(reason)s at %(location)s.",
                origin=milestone.endpoint_id.name or _("Odoo"),
                reason=self._describe_milestone(milestone),
                location=milestone.location or _("unknown location"),
            ),
            user_id=self.user_id.id,
        )
        self._tell_customer(OPENED_TEMPLATE)
        self.env["logistics.integration.log"]._record_exchange(
            {
                "direction": "inbound",
                "endpoint_id": milestone.endpoint_id.id,
                "correlation_id": self.shipment_id.correlation_id,
                "external_identifier": milestone.external_event_id,
                "model": self._name,
                "res_id": self.id,
                "event_type_id": milestone.event_type_id.id,
                "summary": CASE_OPENED_SUMMARY,
                "state": "processed",
            },
            payload={
                "case": self.name,
                "case_type": self.case_type_id.code,
                "shipment": self.shipment_id.name,
                "raw_code": milestone.raw_code,
                "raw_detail": milestone.raw_detail,
                "owner": self.user_id.login,
            },
        )

    def _tell_customer(self, template_xmlid):
        """On the case, e-mailed to the shipment's ship-to contact from a customer-facing
        template: the e-mail's link opens the case's portal page, and an answer by
        e-mail or in the portal lands on the case, for its owner."""
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for case in self:
            subject = template._render_field("subject", case.ids)[case.id]
            body = template._render_field("body_html", case.ids)[case.id]
            case.sudo().message_post(
                body=body,
                subject=subject,
                partner_ids=case.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
            )

    # ------------------------------------------------------------------
    # Resolution
    # ------------------------------------------------------------------

    def action_resolve(self):
        """Close the case with its resolution and reason; the customer is told. A
        carrier claim not filed yet is filed: its follow-up outlives the case."""
        for case in self:
            if case.state != "open":
                raise UserError(_("Case %s is already resolved.", case.name))
            case._check_resolvable()
            case.write({"state": "resolved", "resolved_date": fields.Datetime.now()})
            feedback = _("Resolved: %s", dict(RESOLUTIONS)[case.resolution])
            case.activity_feedback(["mail.mail_activity_data_todo"], feedback=feedback)
            case._close_shipment_exception(feedback)
            if case.resolution == "carrier_claim" and not case.claim_state:
                case.action_file_claim()
        self._tell_customer(RESOLVED_TEMPLATE)
        return True

    def _close_shipment_exception(self, feedback):
        """The case handled its exceptions: their activities on the shipment are done and
        they no longer hold the shipment for action."""
        self.ensure_one()
        case = self.sudo()
        case.exception_activity_ids.exists().action_feedback(
            feedback=_("%(case)s %(feedback)s", case=case.name, feedback=feedback)
        )
        case._get_exception_milestones().filtered("action_required").action_required = False

    def _get_exception_milestones(self):
        """The shipment's exceptions this case is about: the one that opened it and those
        of the same type reported while it was open."""
        self.ensure_one()
        rules = self.env["logistics.case.rule"]
        return self.shipment_id.milestone_ids.filtered(
            lambda m: (
                m.category == "exception"
                and (m == self.milestone_id or rules._match(m) == self.case_type_id)
            )
        )

    def action_reopen(self):
        for case in self.filtered(lambda c: c.state == "resolved"):
            case.write({"state": "open", "resolved_date": False})
            case.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.to_date(case.date_deadline),
                summary=_("Reopened: %s", case.name),
                user_id=case.user_id.id,
            )
        return True

    # ------------------------------------------------------------------
    # Money: the customer's credit note, the carrier claim
    # ------------------------------------------------------------------

    def _get_posted_invoices(self):
        self.ensure_one()
        return self.sale_order_id.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )

    def action_create_credit_note(self):
        """Odoo's credit note wizard on the order's posted invoice; the credit note it
        makes is linked to this case."""
        self.ensure_one()
        invoices = self._get_posted_invoices()
        if not invoices:
            raise UserError(
                _(
                    "Order %(order)s of case %(case)s has no posted invoice to credit.",
                    order=self.sale_order_id.name or _("(none)"),
                    case=self.name,
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_view_account_move_reversal"
        )
        action["context"] = {
            "active_model": "account.move",
            "active_ids": invoices[-1:].ids,
            "default_logistics_case_id": self.id,
            "default_reason": _("%(case)s: %(type)s", case=self.name, type=self.case_type_id.name),
        }
        return action

    def _link_credit_note(self, credit_note):
        self.ensure_one()
        # Whoever may credit the invoice links the result, case rights or not.
        self.sudo().credit_note_id = credit_note
        self.sudo().message_post(
            body=_("Credit note %s made from the invoice.", credit_note._get_html_link())
        )

    def action_file_claim(self):
        """The claim is with the carrier: the owner follows it up until it is refunded
        or rejected, whatever becomes of the case."""
        for case in self:
            if case.claim_amount <= 0:
                raise ValidationError(
                    _(
                        "Claim amount: a carrier claim of case %s needs a positive amount.",
                        case.name,
                    )
                )
            deadline = case.claim_date_deadline or self.env.ref(CLAIM_ACTIVITY)._get_date_deadline()
            case.write({"claim_state": "filed", "claim_date_deadline": deadline})
            case.activity_schedule(
                CLAIM_ACTIVITY,
                date_deadline=deadline,
                summary=_(
                    "Carrier claim %(case)s: %(amount)s",
                    case=case.name,
                    amount=format_amount(case.env, case.claim_amount, case.currency_id),
                ),
                user_id=case.user_id.id,
            )
        return True

    def action_claim_accepted(self):
        self._set_claim_state(("filed",), "accepted", _("The carrier accepted the claim."))
        return True

    def action_claim_rejected(self):
        self._set_claim_state(
            ("filed", "accepted"), "rejected", _("The carrier rejected the claim.")
        )
        return True

    def action_claim_refunded(self):
        for case in self:
            refund = case.sudo().claim_refund_move_id
            if refund and not case.claim_refund_amount:
                case.claim_refund_amount = refund.amount_total
            if case.claim_refund_amount <= 0:
                raise ValidationError(
                    _(
                        "Carrier refund: link the carrier's credit note or enter the amount "
                        "refunded on claim %s.",
                        case.name,
                    )
                )
        for case in self:
            case._set_claim_state(
                ("filed", "accepted"),
                "refunded",
                _(
                    "The carrier refunded %(amount)s of %(claimed)s.",
                    amount=format_amount(case.env, case.claim_refund_amount, case.currency_id),
                    claimed=format_amount(case.env, case.claim_amount, case.currency_id),
                ),
            )
        return True

    def _set_claim_state(self, from_states, state, feedback):
        for case in self:
            if case.claim_state not in from_states:
                raise UserError(
                    _(
                        "The claim of case %(case)s is not %(states)s.",
                        case=case.name,
                        states=_(" or ").join(dict(CLAIM_STATES)[s] for s in from_states),
                    )
                )
            case.claim_state = state
            activities = case.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref(CLAIM_ACTIVITY)
            )
            if state in CLAIM_CLOSED_STATES:
                activities.action_feedback(feedback=feedback)
            else:
                case.message_post(body=feedback)

    @api.model
    def _get_action(self, context, domain):
        """The cases window action, on ``domain`` with ``context``."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_case.logistics_case_action"
        )
        action.update(domain=domain, context=context)
        return action

    def action_view_shipment(self):
        self.ensure_one()
        return self.shipment_id._get_open_action()
