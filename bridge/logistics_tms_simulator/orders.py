"""The simulated TMS's order book, with idempotent order intake."""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

CARRIERS = (
    {"code": "DHLF", "name": "DHL Freight"},
    {"code": "DSV", "name": "DSV Road"},
    {"code": "KN", "name": "Kuehne+Nagel Road"},
)


@dataclass
class Answer:
    """An HTTP answer the TMS gave, kept so a retried request gets the same one."""

    status: int
    body: dict[str, Any]


@dataclass
class TransportOrder:
    reference: str
    planning_reference: str
    carrier: dict[str, str]
    payload: dict[str, Any]
    estimated_delivery: datetime
    version: int = 1
    cancelled: bool = False
    kind: str = "order"  # or "return": a tms-return v1 order, collected at the customer
    position: int = 1  # 1-based, among the orders of its kind, in the order they arrived
    quoted_freight: float | None = None  # the price quoted for the service the order asks for
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def tracking_number(self) -> str:
        """The carrier's consignment number, as the TMS learns it when it books the carrier."""
        return self.carrier["code"] + self.planning_reference.removeprefix("TMS-")


class IdempotencyConflict(Exception):
    """The same Idempotency-Key came with a different request body."""


class UnknownOrder(Exception):
    """No order has this reference."""


def order_reference(payload: dict[str, Any]) -> str | None:
    """Odoo's shipment reference in a ``tms-order`` v1 payload."""
    value = payload.get("order_reference")
    return value if isinstance(value, str) and value else None


def _carrier_for(payload: dict[str, Any], number: int) -> dict[str, str]:
    """The carrier the order prefers when the TMS has it (a quoted service), else the
    next one in turn."""
    preference = payload.get("carrier_preference")
    code = preference.get("carrier_code") if isinstance(preference, dict) else None
    preferred = [carrier for carrier in CARRIERS if carrier["code"] == code]
    return dict(preferred[0] if preferred else CARRIERS[number % len(CARRIERS)])


class OrderBook:
    """Orders by reference and answers by idempotency key; safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._orders: dict[str, TransportOrder] = {}
        self._by_planning: dict[str, str] = {}
        self._answers: dict[str, tuple[str, Answer]] = {}
        self._numbers = itertools.count(1)
        self._arrivals: Counter[str] = Counter()

    def create(
        self, key: str, body: bytes, payload: dict[str, Any], kind: str = "order"
    ) -> tuple[Answer, bool]:
        """Create an order (or a return order) once; return (answer, created_now).

        A repeated key with the same body replays the first answer; the same
        order under a new key is a 409 naming the existing planning reference.
        """
        fingerprint = hashlib.sha256(body).hexdigest()
        with self._lock:
            if key in self._answers:
                seen_fingerprint, answer = self._answers[key]
                if seen_fingerprint != fingerprint:
                    raise IdempotencyConflict(key)
                return answer, False
            reference = order_reference(payload) or ""
            existing = self._orders.get(reference)
            if existing is not None:
                answer = Answer(
                    409,
                    {
                        "error": "order_exists",
                        "message": f"order {reference} already exists",
                        "planning_reference": existing.planning_reference,
                    },
                )
                self._answers[key] = (fingerprint, answer)
                return answer, False
            number = next(self._numbers)
            self._arrivals[kind] += 1
            order = TransportOrder(
                reference=reference,
                planning_reference=f"TMS-{number:06d}",
                carrier=_carrier_for(payload, number),
                payload=payload,
                estimated_delivery=datetime.now(UTC).replace(microsecond=0) + timedelta(days=2),
                kind=kind,
                position=self._arrivals[kind],
            )
            self._orders[reference] = order
            self._by_planning[order.planning_reference] = reference
            answer = Answer(201, self._describe(order))
            self._answers[key] = (fingerprint, answer)
            return answer, True

    def update(self, reference: str, payload: dict[str, Any]) -> Answer:
        with self._lock:
            order = self._find(reference)
            order.payload = payload
            order.version += 1
            return Answer(200, self._describe(order))

    def cancel(self, reference: str) -> tuple[Answer, TransportOrder]:
        with self._lock:
            order = self._find(reference)
            order.cancelled = True
            return Answer(200, dict(self._describe(order), status="cancelled")), order

    def get(self, reference: str) -> TransportOrder:
        with self._lock:
            return self._find(reference)

    def all(self) -> list[TransportOrder]:
        with self._lock:
            return list(self._orders.values())

    def _find(self, reference: str) -> TransportOrder:
        key = self._by_planning.get(reference, reference)
        try:
            return self._orders[key]
        except KeyError:
            raise UnknownOrder(reference) from None

    @staticmethod
    def _describe(order: TransportOrder) -> dict[str, Any]:
        return {
            "planning_reference": order.planning_reference,
            "reference": order.reference,
            "carrier": order.carrier,
            "estimated_delivery": order.estimated_delivery.isoformat(),
            "version": order.version,
            "kind": order.kind,
        }
