from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError

# Written by the TMS; the ownership matrix decides what an edit from Odoo does.
TMS_PLANNING_FIELDS = ("tms_reference", "carrier_id", "tracking_number", "estimated_date")
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
    tms_report_times = fields.Json(
        string="TMS Report Times",
        readonly=True,
        copy=False,
        help="Per field the TMS reports (planning data, proof of delivery), when the report "
        "that set it happened (UTC).",
    )
    planning_conflict = fields.Boolean(
        groups="base.group_user",
        readonly=True,
        tracking=True,
        help="Planning data owned by the TMS was changed in Odoo and needs review.",
    )

    def init(self):
        result = super().init()
        # The Overview's missing-proof card counts the few overdue shipments of a history.
        tools.create_index(
            self.env.cr,
            "logistics_shipment_overview_pod_index",
            self._table,
            ["company_id"],
            where="pod_overdue",
        )
        return result

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
            "tracking_number": self.tracking_number or False,
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

    def _newer_reported(self, vals, reported_at):
        """``(values, times)``: the values of ``vals``, reported in a report of
        ``reported_at`` (naive UTC), that no later report has set, and the report times
        with theirs. A late, older report never undoes a newer one; of one time, the last
        to arrive counts."""
        self.ensure_one()
        known = self.tms_report_times or {}
        stamp = reported_at.isoformat()
        values = {name: value for name, value in vals.items() if known.get(name, "") <= stamp}
        return values, dict(known, **dict.fromkeys(values, stamp))

    def _apply_tms_planning(self, vals, reported_at):
        """Write planning data reported by the TMS (its owner) at ``reported_at``, but what a
        later report set (``_newer_reported``)."""
        self.ensure_one()
        reported, times = self._newer_reported(vals, reported_at)
        changes = self._planning_changes(reported)
        if times != (self.tms_report_times or {}):
            changes["tms_report_times"] = times
        if changes:
            self.with_context(**{TMS_WRITE_CONTEXT: True}).write(changes)

    def _apply_proof_of_delivery(self, signed_by, signed_at, document_reference, reported_at):
        """Record what the source knows of the proof at ``reported_at``; a part it does not
        send, or a later report set (``_newer_reported``), keeps its value, and only the
        document itself ends a missing-POD flag."""
        self.ensure_one()
        sent = {
            name: value
            for name, value in (
                ("pod_signed_by", signed_by),
                ("pod_signed_at", signed_at),
                ("pod_document_reference", document_reference),
            )
            if value
        }
        vals, times = self._newer_reported(sent, reported_at)
        if vals.get("pod_document_reference"):
            vals["pod_overdue"] = False
        self.write(dict(vals, tms_report_times=times))

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

    def _apply_tms_charges(self, lines, currencies, endpoint, reported_at):
        """Record actual charges reported by the TMS ``endpoint`` in a report of
        ``reported_at`` (naive UTC) and reconcile them.

        ``lines`` are contract ``ChargeLine`` objects, ``currencies`` maps ISO
        codes to res.currency. A line updates the charge with the same external
        id, else the pending (or typed in Odoo) line of its type, else it is added with
        the expected amount Odoo knows for its type. The TMS's amount replaces
        one typed in Odoo; a charge a later report set keeps that report's amount (a
        late, older report never undoes it).
        """
        self.ensure_one()
        charges = self.env["logistics.freight.charge"]
        for line in lines:
            currency = currencies[line.currency]
            charge = self.charge_ids.filtered(
                lambda c, ln=line: c.external_charge_id == ln.external_id
            )
            if charge.actual_reported_at and charge.actual_reported_at > reported_at:
                continue
            if not charge:
                charge = self.charge_ids.filtered(
                    lambda c, ln=line: (
                        not c.external_charge_id
                        and (not c.has_actual or c.manual_actual)
                        and c.charge_type == ln.charge_type
                    )
                )[:1]
            vals = {
                "external_charge_id": line.external_id,
                "actual_amount": line.amount,
                "has_actual": True,
                "manual_actual": False,
                "endpoint_id": endpoint.id,
                "currency_id": currency.id,
                "actual_reported_at": reported_at,
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
