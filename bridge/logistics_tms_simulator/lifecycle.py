"""The callbacks a transport order produces, from planning to final charges.

Status codes are ANSI X12 214 shipment status codes, the vocabulary most
TMSs still speak; event times advance by one step per callback from the moment
the order was received.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .appointments import Booking, by_appointment, confirmation_payload, final_leg_payloads
from .faults import Faults
from .orders import TransportOrder

SCHEMA_VERSION = "1"
UNMAPPED_STATUS = ("ZZ7", "carrier-specific code")

# (status code, detail, location) of the transport milestones, in order.
MILESTONES = (
    ("AF", "NS", "Antwerp DC"),
    ("P1", "NS", "Antwerp DC"),
    ("X4", "NS", "Liège hub"),
    ("X6", "NS", "Liège hub"),
    ("D1", "NS", "Consignee dock"),
)
# A return order: collected at the customer, back at the warehouse (A3 = returned).
RETURN_MILESTONES = (
    ("AF", "NS", "Customer dock"),
    ("P1", "NS", "Liège hub"),
    ("A3", "NS", "Antwerp DC"),
)
# Reported before delivery by a damaged order: X12 214 A9 "shipment damaged", reason
# AK "damaged, rewrapped in hub".
DAMAGE_STATUS = ("A9", "AK")
# An order delivered by appointment stops after these milestones (at the hub).
APPOINTMENT_HUB_STOP = 3
# planning, the transport milestones (the last with proof of delivery), charges
CALLBACKS_PER_ORDER = len(MILESTONES) + 2


@dataclass(frozen=True)
class Callback:
    """One signed callback to send: the envelope and the webhook-id it goes under."""

    webhook_id: str
    envelope: dict[str, Any]

    @property
    def occurred_at(self) -> datetime:
        """When the reported event happened."""
        return datetime.fromisoformat(self.envelope["occurred_at"])


def expected_freight(order: TransportOrder) -> float:
    """The freight the order announced, else the price quoted for its service, else a
    simple weight-based rate."""
    freight = order.payload.get("expected_freight")
    if isinstance(freight, int | float):
        return float(freight)
    if order.quoted_freight is not None:
        return order.quoted_freight
    lines = order.payload.get("lines") or []
    weight = sum(float(line.get("weight_kg") or 0) for line in lines if isinstance(line, dict))
    return round(50.0 + 0.25 * weight, 2)


def _envelope(
    order: TransportOrder, event_type: str, occurred_at: datetime, payload: dict[str, Any]
) -> Callback:
    event_id = f"{order.planning_reference}-{event_type}-{uuid.uuid4().hex[:12]}"
    return Callback(
        webhook_id=event_id,
        envelope={
            "event_id": event_id,
            "event_type": event_type,
            "shipment_reference": order.reference,
            "occurred_at": occurred_at.isoformat(),
            "correlation_id": order.payload.get("correlation_id"),
            "schema_version": SCHEMA_VERSION,
            "payload": payload,
        },
    )


def lifecycle_callbacks(
    order: TransportOrder,
    start: datetime,
    step: timedelta,
    faults: Faults,
    rng: random.Random,
    currency: str = "EUR",
) -> list[Callback]:
    """Every callback of one order's life, in the order it happened."""
    moment = start
    callbacks = [
        _envelope(
            order,
            "planning",
            moment,
            {
                "planning_reference": order.planning_reference,
                "carrier": order.carrier["name"],
                "tracking_number": order.tracking_number,
                "eta": order.estimated_delivery.isoformat(),
            },
        )
    ]
    milestones = RETURN_MILESTONES if order.kind == "return" else MILESTONES
    if order.kind == "order" and by_appointment(order.payload):
        # Delivered by appointment: the order waits at the hub for its booked window.
        milestones = MILESTONES[:APPOINTMENT_HUB_STOP]
    unmapped_at = rng.randrange(len(milestones) - 1) if faults.unknown_status_codes else None
    for index, (code, detail, location) in enumerate(milestones):
        moment += step
        if index == unmapped_at:
            odd_code, odd_detail = UNMAPPED_STATUS
            callbacks.append(
                _envelope(
                    order,
                    "status",
                    moment,
                    {"status_code": odd_code, "status_detail": odd_detail, "location": location},
                )
            )
            moment += step
        payload = {"status_code": code, "status_detail": detail, "location": location}
        if code == "D1" and order.kind == "order" and order.position in faults.damaged_positions:
            damage_code, damage_reason = DAMAGE_STATUS
            callbacks.append(
                _envelope(
                    order,
                    "status",
                    moment,
                    {
                        "status_code": damage_code,
                        "status_detail": damage_reason,
                        "location": location,
                    },
                )
            )
            moment += step
        if code == "D1":
            callbacks.append(
                _envelope(
                    order,
                    "pod",
                    moment,
                    dict(
                        payload,
                        pod={
                            "signed_by": "Receiving clerk",
                            "signed_at": moment.isoformat(),
                            "document_reference": f"POD-{order.planning_reference}",
                        },
                    ),
                )
            )
        else:
            callbacks.append(_envelope(order, "status", moment, payload))
    if milestones[-1][0] in ("D1", "A3"):
        callbacks.append(charges_callback(order, moment + step, faults, currency))
    return callbacks


def charges_callback(
    order: TransportOrder, moment: datetime, faults: Faults, currency: str = "EUR"
) -> Callback:
    """The TMS's freight bill of a delivered (or returned) order."""
    amount = expected_freight(order)
    if faults.charges_out_of_tolerance:
        amount = round(amount * 1.3, 2)
    return _envelope(
        order,
        "charges",
        moment,
        {
            "charges": [
                {
                    "external_id": f"{order.planning_reference}-BASE",
                    "charge_type": "base_freight",
                    "amount": amount,
                    "currency": currency,
                }
            ]
        },
    )


def appointment_confirmation(order: TransportOrder, booking: Booking, moment: datetime) -> Callback:
    """The callback confirming (or rescheduling to) the window ``booking`` holds."""
    return _envelope(order, "status", moment, confirmation_payload(booking))


def appointment_delivery(
    order: TransportOrder,
    booking: Booking,
    start: datetime,
    step: timedelta,
    faults: Faults,
    currency: str = "EUR",
) -> list[Callback]:
    """The delivery round of an order delivered by appointment, then its freight bill."""
    callbacks = [
        _envelope(order, event_type, moment, payload)
        for event_type, moment, payload in final_leg_payloads(booking, start, step)
    ]
    callbacks.append(charges_callback(order, start + len(callbacks) * step, faults, currency))
    return callbacks


def as_sent(callbacks: list[Callback], faults: Faults, rng: random.Random) -> list[Callback]:
    """The order the TMS sends ``callbacks`` in: copied and shuffled as the faults say."""
    sent = [callback for callback in callbacks for _copy in range(faults.copies)]
    if faults.shuffle_callbacks:
        rng.shuffle(sent)
    return sent


def cancellation_callback(order: TransportOrder, moment: datetime) -> Callback:
    return _envelope(
        order, "status", moment, {"status_code": "CA", "status_detail": "NS", "location": ""}
    )
