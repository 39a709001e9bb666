from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Written by the TMS; the ownership matrix decides what an edit from Odoo does.
TMS_PLANNING_FIELDS = ("tms_reference", "carrier_id", "estimated_date")
TMS_WRITE_CONTEXT = "logistics_tms_write"


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    pod_signed_by = fields.Char(string="Signed By", readonly=True, tracking=True)
    pod_signed_at = fields.Datetime(string="Signed At", readonly=True)
    pod_document_reference = fields.Char(string="POD Document", readonly=True)
    pod_overdue = fields.Boolean(
        groups="base.group_user",
        string="POD Missing",
        readonly=True,
        help="Delivered longer ago than the company's delay without proof of delivery.",
    )
    planning_conflict = fields.Boolean(
        groups="base.group_user",
        readonly=True,
        tracking=True,
        help="Planning data owned by the TMS was changed in Odoo and needs review.",
    )
    action_required = fields.Boolean(
        groups="base.group_user",
        compute="_compute_action_required",
        store=True,
        help="The shipment is held by an exception somebody must act on.",
    )
    invoice_release_state = fields.Selection(
        groups="base.group_user",
        selection=[
            ("waiting", "Awaiting Charges"),
            ("released", "Released"),
            ("on_hold", "On Hold"),
        ],
        compute="_compute_invoice_release_state",
        store=True,
        help="Whether the freight of this shipment may be invoiced.",
    )

    @api.depends("state", "last_milestone_id", "milestone_ids.action_required")
    def _compute_action_required(self):
        for shipment in self:
            exceptions = shipment.milestone_ids.filtered(lambda m: m.category == "exception")
            latest = exceptions.sorted(lambda m: (m.event_time, m.id or 0))[-1:]
            shipment.action_required = shipment.state == "exception" and latest.action_required

    @api.depends("charge_ids.state", "charge_ids.has_actual")
    def _compute_invoice_release_state(self):
        for shipment in self:
            states = set(shipment.charge_ids.mapped("state"))
            if states & {"on_hold", "disputed"}:
                shipment.invoice_release_state = "on_hold"
            elif states == {"approved"}:
                shipment.invoice_release_state = "released"
            else:
                shipment.invoice_release_state = "waiting"

    def write(self, vals):
        # A person's edit is what the ownership matrix governs; integration code
        # (superuser mode, e.g. an export reading the TMS's answer) writes for the TMS.
        person_edit = not (self.env.su or self.env.context.get(TMS_WRITE_CONTEXT))
        if person_edit and set(vals) & set(TMS_PLANNING_FIELDS):
            changed = self.filtered(lambda s: s.tms_reference and s._planning_differs(vals))
            flagged = changed._check_planning_ownership()
            result = super().write(vals)
            flagged._flag_planning_conflict(vals)
            return result
        return super().write(vals)

    def _planning_differs(self, vals):
        self.ensure_one()
        return bool(self._planning_changes(vals))

    def _planning_changes(self, vals):
        """The TMS planning values in ``vals`` that differ from the shipment's."""
        self.ensure_one()
        current = {
            "tms_reference": self.tms_reference or False,
            "carrier_id": self.carrier_id.id or False,
            "estimated_date": self.estimated_date or False,
        }
        wanted = {name: vals[name] or False for name in TMS_PLANNING_FIELDS if name in vals}
        if wanted.get("estimated_date"):
            wanted["estimated_date"] = fields.Datetime.to_datetime(wanted["estimated_date"])
        return {name: value for name, value in wanted.items() if current[name] != value}

    def _check_planning_ownership(self):
        """Refuse an Odoo edit of TMS-owned planning data, or return the shipments to flag."""
        to_flag = self.browse()
        for shipment in self:
            owner = (
                self.env["logistics.data.ownership"]
                .with_company(shipment.company_id)
                ._get_owner("planning_reference")
            )
            if not owner or owner.system_of_record == "odoo":
                continue
            if owner.conflicting_edit_policy == "refuse":
                raise UserError(
                    _(
                        "The planning reference, carrier and ETA of %(shipment)s are owned "
                        "by the %(system)s; change them there.",
                        shipment=shipment.name,
                        system=dict(owner._fields["system_of_record"].selection).get(
                            owner.system_of_record
                        ),
                    )
                )
            to_flag |= shipment
        return to_flag

    def _flag_planning_conflict(self, vals):
        if not self:
            return
        self.sudo().write({"planning_conflict": True})
        fields_changed = ", ".join(
            self._fields[name].string for name in TMS_PLANNING_FIELDS if name in vals
        )
        users = self.env["res.users"]
        for shipment in self:
            shipment.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Planning data changed outside the TMS"),
                note=_(
                    "%(fields)s changed in Odoo by %(user)s; the TMS owns these values.",
                    fields=fields_changed,
                    user=self.env.user.name,
                ),
                user_id=users._logistics_get_assignee(shipment, shipment.user_id).id,
            )

    def action_clear_planning_conflict(self):
        self.ensure_one()
        self.planning_conflict = False
        return True

    def _apply_tms_planning(self, vals):
        """Write planning data reported by the TMS (its owner)."""
        self.ensure_one()
        changes = self._planning_changes(vals)
        if changes:
            self.with_context(**{TMS_WRITE_CONTEXT: True}).write(changes)

    def _apply_proof_of_delivery(self, signed_by, signed_at, document_reference):
        self.ensure_one()
        self.write(
            {
                "pod_signed_by": signed_by,
                "pod_signed_at": signed_at,
                "pod_document_reference": document_reference,
                "pod_overdue": False,
            }
        )

    @api.model
    def _cron_flag_missing_pod(self):
        """Flag delivered shipments without proof of delivery after the company's delay."""
        now = fields.Datetime.now()
        users = self.env["res.users"]
        companies = self.env["res.company"].sudo().search([("logistics_pod_delay_hours", ">", 0)])
        for company in companies:
            hours = company.logistics_pod_delay_hours
            shipments = self.sudo().search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "delivered"),
                    ("pod_document_reference", "=", False),
                    ("pod_overdue", "=", False),
                    ("actual_delivery_date", "<", now - timedelta(hours=hours)),
                ]
            )
            for shipment in shipments:
                shipment.pod_overdue = True
                shipment.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("Proof of delivery missing"),
                    note=_(
                        "Delivered on %(date)s but no proof of delivery after %(hours)s hours.",
                        date=shipment.actual_delivery_date,
                        hours=hours,
                    ),
                    user_id=users._logistics_get_assignee(shipment, shipment.user_id).id,
                )

    def _apply_tms_charges(self, lines, currencies):
        """Record actual charges reported by the TMS and reconcile them.

        ``lines`` are contract ``ChargeLine`` objects, ``currencies`` maps ISO
        codes to res.currency. A line updates the charge with the same external
        id, else the pending expected line of its type, else it is added with
        the expected amount Odoo knows for its type.
        """
        self.ensure_one()
        charges = self.env["logistics.freight.charge"]
        for line in lines:
            currency = currencies[line.currency]
            charge = self.charge_ids.filtered(
                lambda c, ln=line: c.external_charge_id == ln.external_id
            )
            if not charge:
                charge = self.charge_ids.filtered(
                    lambda c, ln=line: (
                        not c.external_charge_id
                        and not c.has_actual
                        and c.charge_type == ln.charge_type
                    )
                )[:1]
            vals = {
                "external_charge_id": line.external_id,
                "actual_amount": line.amount,
                "has_actual": True,
                "currency_id": currency.id,
            }
            if line.description:
                vals["name"] = line.description
            if charge:
                charge.write(vals)
            else:
                vals.update(
                    shipment_id=self.id,
                    charge_type=line.charge_type,
                    expected_amount=self._get_expected_freight(line.charge_type, currency),
                )
                charge = charge.create(vals)
            charges |= charge
        charges._reconcile()
        return charges

    def _get_expected_freight(self, charge_type, currency):
        """What Odoo expects to pay for a charge type, in ``currency``.

        Base freight comes from the sale order's delivery line, or failing that
        from the carrier's rating; nothing else was ordered, so anything else
        is expected at zero.
        """
        self.ensure_one()
        if charge_type != "base_freight":
            return 0.0
        order = self.sale_order_id
        lines = order.order_line.filtered("is_delivery")
        if lines:
            amount, source_currency = sum(lines.mapped("price_subtotal")), order.currency_id
        elif self.carrier_id and order:
            rating = self.carrier_id.rate_shipment(order)
            if not rating.get("success"):
                return 0.0
            amount, source_currency = rating["price"], order.currency_id
        elif self.carrier_id.delivery_type == "fixed":
            amount, source_currency = self.carrier_id.fixed_price, self.company_id.currency_id
        else:
            return 0.0
        return source_currency._convert(
            amount, currency, self.company_id, fields.Date.context_today(self)
        )

    def _request_charge_decision(self, charges):
        """Hold the invoice and ask a Logistics Manager to decide on the variance."""
        self.ensure_one()
        managers = "logistics_integration.group_logistics_manager"
        user = self.env["res.users"]._logistics_get_assignee(
            self, self.user_id.filtered(lambda u: u.has_group(managers)), group=managers
        )
        lines = [
            _(
                "%(charge)s: expected %(expected).2f, billed %(actual).2f, variance "
                "%(variance).2f (%(percent).1f%%)",
                charge=charge.name or charge.external_charge_id,
                expected=charge.expected_amount,
                actual=charge.actual_amount,
                variance=charge.variance,
                percent=charge.variance_percent,
            )
            for charge in charges
        ]
        self.activity_schedule(
            "logistics_tms_inbound.mail_activity_type_freight_decision",
            summary=_("Freight charges outside tolerance"),
            note="<br/>".join(lines),
            user_id=user.id,
        )

    def _close_charge_activities(self, feedback):
        self.activity_feedback(
            ["logistics_tms_inbound.mail_activity_type_freight_decision"], feedback=feedback
        )

    def _add_invoice_approved_milestone(self):
        """Record that freight was approved and invoiced (an administrative milestone)."""
        event_type = self.env.ref("logistics_integration.event_type_invoice_approved")
        todo = self.filtered(lambda s: event_type not in s.milestone_ids.event_type_id)
        self.env["logistics.milestone"].sudo().create(
            [
                {
                    "shipment_id": shipment.id,
                    "event_type_id": event_type.id,
                    "event_time": fields.Datetime.now(),
                }
                for shipment in todo
            ]
        )
