from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.logistics_inbound.canonical import utc_naive
from odoo.addons.logistics_tms_export.adapters import describe_errors
from odoo.addons.logistics_tms_export.models.logistics_endpoint import SynchronousCallFailed

from .. import contract
from .logistics_appointment_change import APPOINTMENT_STATES

SLOTS_EXCHANGE_TYPE = "tms_appointment_slots"
SLOTS_PATH = "/v1/appointments/slots"
BOOK_EXCHANGE_TYPE = "tms_appointment_book"
BOOK_PATH = "/v1/appointments"
# Canonical appointment milestones -> the appointment state they give.
APPOINTMENT_EVENTS = {
    "appointment_requested": "requested",
    "appointment_confirmed": "confirmed",
    "appointment_rescheduled": "confirmed",
    "appointment_missed": "missed",
}
CLOSED_STATES = ("delivered", "returned", "cancelled")
# A window further ahead is a TMS bug (a wrong year), not a window to offer.
SLOT_HORIZON = timedelta(days=366)


class AppointmentRefused(UserError):
    """A window that cannot be booked; the message says why, in the customer's words."""


class LogisticsShipment(models.Model):
    _inherit = "logistics.shipment"

    appointment_state = fields.Selection(
        selection=APPOINTMENT_STATES,
        readonly=True,
        copy=False,
        tracking=True,
        help="Requested: the consignee chose the window, the TMS has not confirmed it yet. "
        "Confirmed: the TMS confirmed (or moved) it. Missed: the delivery did not happen in it.",
    )
    appointment_start = fields.Datetime(
        string="Window From", readonly=True, copy=False, tracking=True
    )
    appointment_end = fields.Datetime(
        string="Window Until", readonly=True, copy=False, tracking=True
    )
    appointment_time = fields.Datetime(
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="When the change in force happened (its source's time): an older change "
        "never replaces it.",
    )
    appointment_version = fields.Integer(
        readonly=True, copy=False, groups="base.group_user", help="Windows booked so far."
    )
    appointment_result = fields.Selection(
        selection=[
            ("kept", "Delivered within the window"),
            ("late", "Delivered outside the window"),
            ("missed", "Missed"),
        ],
        compute="_compute_appointment_result",
        store=True,
        index=True,
        help="Whether the delivery kept its confirmed appointment (the SLA of the Overview).",
    )
    appointment_change_ids = fields.One2many(
        groups="base.group_user",
        comodel_name="logistics.appointment.change",
        inverse_name="shipment_id",
        string="Appointment History",
    )
    appointment_slot_ids = fields.One2many(
        groups="base.group_user",
        comodel_name="logistics.appointment.slot",
        inverse_name="shipment_id",
        string="Offered Windows",
    )
    route_update_ids = fields.One2many(
        groups="base.group_user",
        comodel_name="logistics.route.update",
        inverse_name="shipment_id",
        string="Route and ETA History",
    )
    route_update_id = fields.Many2one(
        comodel_name="logistics.route.update",
        compute="_compute_route_update_id",
        store=True,
        groups="base.group_user",
        help="The newest report of the route (by the source's time).",
    )
    stop_sequence = fields.Integer(related="route_update_id.stop_sequence", string="Stop")
    stops_total = fields.Integer(related="route_update_id.stops_total", string="Stops on Route")
    stops_before = fields.Integer(related="route_update_id.stops_before")

    @api.depends(
        "appointment_state", "appointment_start", "appointment_end", "actual_delivery_date"
    )
    def _compute_appointment_result(self):
        for shipment in self:
            delivered = shipment.actual_delivery_date
            if shipment.appointment_state == "missed":
                shipment.appointment_result = "missed"
            elif shipment.appointment_state != "confirmed" or not delivered:
                shipment.appointment_result = False
            elif shipment.appointment_start <= delivered <= shipment.appointment_end:
                shipment.appointment_result = "kept"
            else:
                shipment.appointment_result = "late"

    @api.depends("route_update_ids.event_time")
    def _compute_route_update_id(self):
        for shipment in self:
            updates = (
                shipment.route_update_ids.filtered("stop_sequence") or shipment.route_update_ids
            )
            shipment.route_update_id = updates.sorted(lambda u: (u.event_time, u.id))[-1:]

    # ------------------------------------------------------------------
    # Windows offered and booked
    # ------------------------------------------------------------------

    def _appointment_open(self):
        """Whether the consignee may still choose a window: sent to the TMS, not closed."""
        self.ensure_one()
        return bool(self.sudo().tms_reference) and self.state not in CLOSED_STATES

    def _fetch_appointment_slots(self):
        """Ask the TMS which windows it offers now and keep them as the shipment's offer.

        Raises SynchronousCallFailed when the TMS gives no usable answer in time."""
        self.ensure_one()
        shipment = self.sudo()
        endpoint = shipment._get_tms_endpoint()
        if not endpoint:
            raise SynchronousCallFailed(_("no TMS for %s", shipment.company_id.name))
        ship_to = shipment.partner_id
        payload = {
            **shipment._appointment_document(),
            "ship_to": {
                "country_code": ship_to.country_id.code or None,
                "zip": ship_to.zip or None,
                "city": ship_to.city or None,
            },
            "earliest": fields.Datetime.now().isoformat() + "Z",
        }
        try:
            contract.TmsSlotRequestV1.model_validate(payload)
        except ValidationError as err:
            raise SynchronousCallFailed(
                _("windows cannot be asked: %s", "; ".join(describe_errors(err, payload)))
            ) from err
        answer = endpoint._call_synchronous(
            SLOTS_EXCHANGE_TYPE,
            SLOTS_PATH,
            payload,
            shipment,
            endpoint.appointment_timeout,
            contract.TmsSlotResponseV1,
            self._slot_answer_problems,
        )
        now = datetime.now(UTC)
        shipment.appointment_slot_ids.unlink()
        return (
            self.env["logistics.appointment.slot"]
            .sudo()
            .create(
                [
                    {
                        "shipment_id": shipment.id,
                        "slot_reference": slot.slot_id,
                        "window_start": utc_naive(slot.window_start),
                        "window_end": utc_naive(slot.window_end),
                        "offered_on": utc_naive(now),
                    }
                    # compared aware: an ended window of year 1 has no naive UTC value
                    for slot in answer.slots
                    if slot.window_end > now
                ]
            )
        )

    @api.model
    def _slot_answer_problems(self, answer):
        """What makes a well-formed slot answer unusable, one "field: problem" per line:
        a slot id given twice (which window it books cannot be told), a window
        beginning more than SLOT_HORIZON ahead or lasting longer (a wrong year)."""
        horizon = datetime.now(UTC) + SLOT_HORIZON
        problems = []
        seen = set()
        for index, slot in enumerate(answer.slots):
            if slot.slot_id in seen:
                problems.append(
                    _(
                        "slots %(index)s slot id: %(slot)s given twice",
                        index=index,
                        slot=slot.slot_id,
                    )
                )
            seen.add(slot.slot_id)
            if slot.window_start > horizon:
                problems.append(
                    _("slots %(index)s window start: more than a year ahead", index=index)
                )
            elif slot.window_end - slot.window_start > SLOT_HORIZON:
                problems.append(
                    _("slots %(index)s window start: more than a year before its end", index=index)
                )
        return problems

    def _appointment_document(self):
        """The part every ``tms-appointment`` request shares: contract and shipment."""
        self.ensure_one()
        return {
            "schema": contract.SCHEMA_NAME,
            "schema_version": contract.SCHEMA_VERSION,
            "order_reference": self.name,
            "planning_reference": self.tms_reference or None,
            "correlation_id": self.correlation_id or self.name,
        }

    def _request_appointment(self, slot_reference, reason=None, origin="customer"):
        """Book the offered window ``slot_reference`` (its TMS id): sent to the TMS through
        the outbox, the appointment *requested* until the TMS confirms it.

        Booking the window already requested or confirmed again (a double click) sends
        nothing and returns False. Raises AppointmentRefused when the window was not
        offered, has passed, or the shipment no longer takes an appointment."""
        self.ensure_one()
        shipment = self.sudo()
        if not shipment._appointment_open():
            raise AppointmentRefused(_("This shipment can no longer get a delivery appointment."))
        now = fields.Datetime.now()
        slot = shipment.appointment_slot_ids.filtered(lambda s: s.slot_reference == slot_reference)[
            :1
        ]
        if not slot:
            raise AppointmentRefused(
                _("This delivery window was not offered for your shipment: choose one of the list.")
            )
        if slot.window_end <= now:
            raise AppointmentRefused(_("This delivery window has passed: choose a later one."))
        if shipment.appointment_state in ("requested", "confirmed") and (
            shipment.appointment_start,
            shipment.appointment_end,
        ) == (slot.window_start, slot.window_end):
            return False
        version = shipment.appointment_version + 1
        payload = {
            **shipment._appointment_document(),
            "booking_version": version,
            "slot_id": slot.slot_reference,
            "window_start": slot.window_start.isoformat() + "Z",
            "window_end": slot.window_end.isoformat() + "Z",
            "reason": reason or None,
            "requested_by": origin if origin in ("customer", "staff") else "staff",
        }
        contract.TmsAppointmentBookingV1.model_validate(payload)
        outbox = self.env["logistics.outbound.message"].sudo()
        outbox._enqueue(
            shipment._get_tms_endpoint(),
            BOOK_EXCHANGE_TYPE,
            shipment,
            payload,
            BOOK_PATH,
            payload_version=version,
            idempotency_key=f"{outbox._idempotency_key_prefix()}-{shipment.name}"
            f"-appointment-{version}",
            description=_("Delivery window of %(ref)s", ref=shipment.name),
        )
        milestone = (
            self.env["logistics.milestone"]
            .sudo()
            .create(
                {
                    "shipment_id": shipment.id,
                    "event_type_id": self.env.ref(
                        "logistics_appointment.event_type_appointment_requested"
                    ).id,
                    "event_time": now,
                    "raw_code": BOOK_EXCHANGE_TYPE,
                }
            )
        )
        shipment.appointment_version = version
        shipment._apply_appointment(
            "requested",
            now,
            origin,
            window=(slot.window_start, slot.window_end),
            reason=reason,
            milestone=milestone,
            booking=version,
        )
        return milestone

    def _apply_appointment(
        self,
        state,
        event_time,
        origin,
        window=None,
        reason=None,
        endpoint=None,
        milestone=None,
        booking=None,
    ):
        """Record one appointment change in the history and apply it, unless it answers
        an older booking than the one in force (whatever its time), or, within a booking
        or when its source does not say which, it happened before the change in force (a
        late or out-of-order event never overwrites a newer appointment)."""
        self.ensure_one()
        shipment = self.sudo()
        start, end = window or (shipment.appointment_start, shipment.appointment_end)
        not_applied_reason = shipment._appointment_not_applied_reason(event_time, booking)
        self.env["logistics.appointment.change"].sudo().create(
            {
                "shipment_id": shipment.id,
                "event_time": event_time,
                "origin": origin,
                "user_id": self.env.user.id if origin != "tms" else False,
                "endpoint_id": endpoint.id if endpoint else False,
                "milestone_id": milestone.id if milestone else False,
                "state": state,
                "old_start": shipment.appointment_start,
                "old_end": shipment.appointment_end,
                "new_start": start,
                "new_end": end,
                "reason": reason or False,
                "booking_version": booking or 0,
                "applied": not not_applied_reason,
                "not_applied_reason": not_applied_reason,
            }
        )
        if not not_applied_reason:
            shipment.write(
                {
                    "appointment_state": state,
                    "appointment_start": start,
                    "appointment_end": end,
                    "appointment_time": event_time,
                }
            )
        return not not_applied_reason

    def _appointment_not_applied_reason(self, event_time, booking):
        """Why a change of ``booking`` (None: not said) at ``event_time`` cannot replace
        the appointment in force; False when it can."""
        self.ensure_one()
        in_force = self.appointment_version
        if booking and booking < in_force:
            return _(
                "It answers booking %(booking)s; booking %(in_force)s is in force.",
                booking=booking,
                in_force=in_force,
            )
        if booking and booking > in_force:
            return _(
                "It answers booking %(booking)s, never sent (the latest is %(in_force)s).",
                booking=booking,
                in_force=in_force,
            )
        if self.appointment_time and event_time < self.appointment_time:
            return _(
                "It happened on %(time)s, older than the change in force (%(in_force)s).",
                time=event_time,
                in_force=self.appointment_time,
            )
        return False

    def action_appointment_windows(self):
        """The windows the TMS offers the shipment now, for staff (and the demo over
        JSON-RPC): ``[{"slot_id", "window_start", "window_end"}]`` in UTC."""
        self._check_appointment_staff()
        try:
            slots = self._fetch_appointment_slots()
        except SynchronousCallFailed as err:
            raise UserError(_("The TMS offers no window now: %s", err.reason)) from err
        return [
            {
                "slot_id": slot.slot_reference,
                "window_start": fields.Datetime.to_string(slot.window_start),
                "window_end": fields.Datetime.to_string(slot.window_end),
            }
            for slot in slots
        ]

    def action_book_appointment(self, slot_id, reason=None):
        """Book an offered window on the consignee's behalf (staff)."""
        self._check_appointment_staff()
        self._request_appointment(slot_id, reason=reason, origin="staff")
        return True

    def _check_appointment_staff(self):
        self.ensure_one()
        if not self.env.user.has_group("logistics_integration.group_logistics_user"):
            raise AccessError(_("Only Logistics users book delivery windows for customers."))
        self.check_access("write")

    # ------------------------------------------------------------------
    # Customer-safe reading
    # ------------------------------------------------------------------

    def _customer_route_position(self):
        """What the customer may read of the route: their stop, how many before it and
        the expected delivery (never other consignees' data); nothing once the shipment
        is closed, when the route it was on no longer says anything true."""
        self.ensure_one()
        update = self.sudo().route_update_id
        if not update.stop_sequence or self.state in CLOSED_STATES:
            return {}
        return {
            "stop": update.stop_sequence,
            "stops_total": update.stops_total or False,
            "stops_before": update.stops_before,
        }
