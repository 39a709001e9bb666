"""Rate quotes of the simulated TMS: the ``tms-rate`` v1 contract from the TMS side.

Prices and transit times follow from the request alone (weight and destination), so a
test or a demo knows what a quote will say; the quotes given are remembered, so the
freight billed for an order that names a quoted service is the quoted price.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .appointments import APPOINTMENT_SERVICE

QUOTE_VALIDITY = timedelta(minutes=30)
#: Heavier consignments than this are not offered the express service.
EXPRESS_MAX_WEIGHT_KG = 500.0


@dataclass(frozen=True)
class Service:
    carrier_code: str
    service_code: str
    name: str
    price_factor: float
    transit_days: int


SERVICES = (
    Service("DHLF", "economy", "DHL Freight Economy", 1.0, 4),
    Service("DSV", "standard", "DSV Road Standard", 1.2, 2),
    Service("KN", "express", "Kuehne+Nagel Road Express", 1.6, 1),
    # Waits at the last hub for a delivery window the consignee books.
    Service("DSV", APPOINTMENT_SERVICE, "DSV Road by Appointment", 1.3, 3),
)


class InvalidRateRequest(ValueError):
    """The request misses what a rate needs; ``fields`` names it."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _country(place: Any) -> str | None:
    code = place.get("country_code") if isinstance(place, dict) else None
    return code if isinstance(code, str) and len(code) == 2 else None


def base_freight(weight_kg: float, domestic: bool) -> float:
    """The economy price: 50 plus 0.25 per kg, 40 % more across a border."""
    return round((50.0 + 0.25 * weight_kg) * (1.0 if domestic else 1.4), 2)


class RateBook:
    """Quotes given, by order reference and service; safe across threads."""

    def __init__(self, currency: str) -> None:
        self._currency = currency
        self._lock = threading.Lock()
        self._prices: dict[tuple[str, str], float] = {}

    def quote(self, request: Any, now: datetime | None = None) -> dict[str, Any]:
        """The ``tms-rate`` v1 answer to ``request``: three or four services."""
        if not isinstance(request, dict):
            raise InvalidRateRequest(["body"])
        weight = _number(request.get("total_weight_kg"))
        origin, destination = _country(request.get("ship_from")), _country(request.get("ship_to"))
        reference = request.get("order_reference")
        missing = [
            name
            for name, ok in (
                ("order_reference", isinstance(reference, str) and reference),
                ("total_weight_kg", weight is not None and weight > 0),
                ("ship_from.country_code", origin),
                ("ship_to.country_code", destination),
            )
            if not ok
        ]
        if missing:
            raise InvalidRateRequest(missing)
        domestic = origin == destination
        offered = [
            s for s in SERVICES if s.service_code != "express" or weight <= EXPRESS_MAX_WEIGHT_KG
        ]
        requested = set(request.get("requested_services") or [])
        if requested & {s.service_code for s in offered}:
            offered = [s for s in offered if s.service_code in requested]
        valid_until = (now or datetime.now(UTC)).replace(microsecond=0) + QUOTE_VALIDITY
        base = base_freight(weight, domestic)
        services = []
        with self._lock:
            for service in offered:
                price = round(base * service.price_factor, 2)
                self._prices[(reference, service.service_code)] = price
                fingerprint = f"{reference}|{service.service_code}|{weight}|{destination}"
                services.append(
                    {
                        "carrier_code": service.carrier_code,
                        "service_code": service.service_code,
                        "name": service.name,
                        "price": price,
                        "currency": self._currency,
                        "transit_days": service.transit_days + (0 if domestic else 1),
                        "quote_id": "Q-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:10],
                        "valid_until": valid_until.isoformat(),
                    }
                )
        return {"services": services}

    def quoted_price(self, order_payload: dict[str, Any]) -> float | None:
        """The price quoted for the service a ``tms-order`` asks for, if it was quoted."""
        preference = order_payload.get("carrier_preference")
        service = preference.get("service_level") if isinstance(preference, dict) else None
        with self._lock:
            return self._prices.get((order_payload.get("sale_order"), service))
