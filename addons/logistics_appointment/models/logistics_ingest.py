from pydantic import ValidationError

from odoo import models

from odoo.addons.logistics_inbound.canonical import format_location, utc_naive
from odoo.addons.logistics_tms_inbound.contract import RouteFields

from .logistics_shipment import APPOINTMENT_EVENTS

TMS_EVENT_FORMAT = "tms-event"


def _route_fields(raw):
    """The route and appointment fields of a forwarded tms-event (RouteFields)."""
    payload = raw.get("payload") if isinstance(raw, dict) else None
    return RouteFields.model_validate(payload if isinstance(payload, dict) else {})


class LogisticsIngest(models.AbstractModel):
    _inherit = "logistics.ingest"

    def _read_forwarded(self, endpoint, profile, spec, raw, now):
        """A tms-event's route and appointment fields are validated with the rest: an
        invalid one rejects the event, naming the field."""
        outcomes = super()._read_forwarded(endpoint, profile, spec, raw, now)
        if not isinstance(raw, dict) or (raw.get("format") or TMS_EVENT_FORMAT) != TMS_EVENT_FORMAT:
            return outcomes
        try:
            _route_fields(raw)
        except ValidationError as err:
            reasons = [
                f"{format_location(('payload', *error['loc']))}: "
                f"{error['msg'].removeprefix('Value error, ')}"
                for error in err.errors()
            ]
            return [(item_id, reasons) for item_id, _outcome in outcomes]
        return outcomes

    def _apply_side_effects(self, endpoint, plan, milestone):
        """Appointment milestones change the appointment (never the transport state);
        an ETA or a stop is kept in the route history."""
        result = super()._apply_side_effects(endpoint, plan, milestone)
        is_tms_event = (plan.raw.get("format") or TMS_EVENT_FORMAT) == TMS_EVENT_FORMAT
        route = _route_fields(plan.raw) if is_tms_event else RouteFields()
        shipment = plan.shipment.sudo()
        event_time = utc_naive(plan.event.payload.event_time or plan.event.occurred_at)
        code = milestone.event_type_id.sudo().code if milestone else None
        if code in APPOINTMENT_EVENTS:
            window = (
                (utc_naive(route.appointment_start), utc_naive(route.appointment_end))
                if route.has_window()
                else None
            )
            shipment._apply_appointment(
                APPOINTMENT_EVENTS[code],
                event_time,
                "tms",
                window=window,
                reason=route.appointment_reason,
                booking=route.appointment_booking,
                endpoint=endpoint,
                milestone=milestone,
            )
        eta = plan.event.payload.eta
        if route.has_route() or eta:
            self.env["logistics.route.update"].sudo().create(
                {
                    "shipment_id": shipment.id,
                    "event_time": event_time,
                    "eta": utc_naive(eta),
                    "stop_sequence": route.stop_sequence or 0,
                    "stops_total": route.stops_total or 0,
                    "stops_before": route.stops_before or 0,
                    "endpoint_id": endpoint.id,
                    "milestone_id": milestone.id if milestone else False,
                }
            )
        return result
