"""The demo's delivery by appointment, as one order chain: the TMS quotes the order's
services and the one that delivers by appointment is chosen; the order is confirmed and
exported, waits at the hub, staff book a window among those the TMS offers, the customer
moves it from the portal to the window under way, the TMS delivers within it and bills the
quoted price, which the freight audit reconciles against the chosen quote."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from logistics_tms_simulator.appointments import APPOINTMENT_SERVICE

from .after_delivery import FlowTimeout
from .driver import DemoDriver

_logger = logging.getLogger(__name__)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SLOT_INPUT = re.compile(r'<input[^>]*name="slot_id"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')
ERROR = re.compile(r'o_logistics_appointment_error"[^>]*>([^<]*)<')
SHIPMENT_FIELDS = [
    "name",
    "state",
    "export_state",
    "tms_reference",
    "appointment_state",
    "appointment_start",
    "appointment_end",
    "appointment_result",
    "actual_delivery_date",
    "stop_sequence",
    "stops_total",
]


class PortalRefused(Exception):
    """The customer portal did not take a step of the flow."""


OUTCOMES = {
    "kept": "delivered within the window",
    "late": "delivered outside the window",
    "missed": "missed",
}


def _window(start: str, end: str) -> str:
    first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
    return f"{first:%m/%d %H:%M}–{last:%H:%M} UTC"


@dataclass(frozen=True)
class Delivered:
    """An order delivered by appointment: the shipment as delivered and how its window
    came about."""

    shipment: dict[str, Any]
    booked: str  # the window staff booked first
    moved_by_customer: bool
    change_count: int

    @property
    def rescheduled(self) -> str:
        return "rescheduled from the portal" if self.moved_by_customer else "not rescheduled"

    @property
    def window(self) -> str:
        """The window in force at the delivery."""
        return _window(self.shipment["appointment_start"], self.shipment["appointment_end"])

    @property
    def outcome(self) -> str:
        return OUTCOMES[self.shipment["appointment_result"]]

    def line(self) -> str:
        delivered_at = datetime.fromisoformat(self.shipment["actual_delivery_date"])
        return (
            f"{self.shipment['name']} booked {self.booked}, {self.rescheduled} to "
            f"{self.window}, {self.outcome} at {delivered_at:%H:%M:%S} "
            f"(stop {self.shipment['stop_sequence']} of {self.shipment['stops_total']}); "
            f"{self.change_count} appointment changes"
        )


@dataclass(frozen=True)
class AppointmentOutcome:
    """The demo's lines: the appointment itself, then the whole order chain."""

    appointment: str
    chain: str


class CustomerPortal:
    """The customer's browser on Odoo's portal, as far as the appointment goes."""

    def __init__(self, odoo_url: str, login: str, password: str) -> None:
        self.url = odoo_url.rstrip("/")
        self.session = requests.Session()
        page = self._get("/web/login")
        answer = self.session.post(
            f"{self.url}/web/login",
            data={"login": login, "password": password, "csrf_token": _csrf(page)},
            timeout=30,
        )
        if "/web/login" in answer.url:
            raise PortalRefused(f"portal login of {login} refused")

    def _get(self, path: str) -> str:
        answer = self.session.get(f"{self.url}{path}", timeout=30)
        answer.raise_for_status()
        return answer.text

    def choose_window(self, shipment_id: int, pick: Callable[[list[str]], str]) -> str:
        """Open the shipment's window page (the TMS's offer), book ``pick(slot ids)``."""
        page = self._get(f"/my/shipments/{shipment_id}/appointment")
        offered = [VALUE.search(tag).group(1) for tag in SLOT_INPUT.findall(page)]
        if not offered:
            error = ERROR.search(page)
            raise PortalRefused(error.group(1) if error else "no window offered on the portal")
        slot_id = pick(offered)
        answer = self.session.post(
            f"{self.url}/my/shipments/{shipment_id}/appointment",
            data={"slot_id": slot_id, "reason": "Earlier suits us", "csrf_token": _csrf(page)},
            timeout=30,
        )
        if answer.status_code != 200:
            raise PortalRefused(f"booking refused: HTTP {answer.status_code}")
        return slot_id


def _csrf(page: str) -> str:
    match = CSRF.search(page)
    if not match:
        raise PortalRefused("no form token on the page")
    return match.group(1)


class AppointmentFlow:
    """One order delivered by appointment, driven as staff and as the customer."""

    def __init__(self, driver: DemoDriver, odoo_url: str, poll_seconds: float = 1.0) -> None:
        self.driver = driver
        self.odoo_url = odoo_url
        self.poll_seconds = poll_seconds
        self.shipment_id: int | None = None

    def _shipment(self, order_id: int) -> dict[str, Any] | None:
        found = self.driver.call(
            "logistics.shipment",
            "search_read",
            [("sale_order_id", "=", order_id)],
            fields=SHIPMENT_FIELDS,
        )
        return found[0] if found else None

    def _until(
        self,
        fetch: Callable[[], dict[str, Any] | None],
        ready: Callable[[dict], bool],
        what: str,
        timeout: float,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            record = fetch()
            if record and ready(record):
                return record
            _logger.info("waiting for %s", what)
            time.sleep(self.poll_seconds)
        raise FlowTimeout(f"timed out after {timeout:.0f}s waiting for {what}")

    def _quoted_charge(self, shipment_id: int, quote_id: int) -> dict[str, Any] | None:
        """The shipment's freight charge expected at the chosen quote's price."""
        found = self.driver.call(
            "logistics.freight.charge",
            "search_read",
            [("shipment_id", "=", shipment_id), ("rate_quote_id", "=", quote_id)],
            fields=["expected_amount", "actual_amount", "has_actual", "state", "currency_id"],
        )
        return found[0] if found else None

    def run(self, setup: dict[str, Any], first_index: int, timeout: float) -> AppointmentOutcome:
        """Quote and choose the service, ship, book, reschedule from the portal, deliver,
        reconcile the freight; the demo's lines."""
        order_id = self.driver.confirm_with_service(
            setup["product_id"],
            setup["appointment_customer_id"],
            first_index,
            setup["quote_carrier_id"],
            APPOINTMENT_SERVICE,
        )
        delivered = self._deliver(order_id, setup["appointment_portal"], timeout)
        return AppointmentOutcome(delivered.line(), self._chain(order_id, delivered, timeout))

    def _deliver(self, order_id: int, portal: dict[str, str], timeout: float) -> Delivered:
        """Book a window as staff once the order is at the hub, move it as the customer on
        the portal, and wait for the delivery."""
        shipment = self._until(
            lambda: self._shipment(order_id),
            lambda s: s["state"] == "in_transit",
            "the order at the hub",
            timeout,
        )
        self.shipment_id = shipment["id"]
        windows = self.driver.call(
            "logistics.shipment", "action_appointment_windows", [shipment["id"]]
        )
        booked = windows[1]
        self.driver.call(
            "logistics.shipment",
            "action_book_appointment",
            [shipment["id"]],
            booked["slot_id"],
            reason="Booked by phone",
        )
        self._until(
            lambda: self._shipment(order_id),
            lambda s: s["appointment_state"] == "confirmed",
            "the TMS's confirmation",
            timeout,
        )
        CustomerPortal(self.odoo_url, portal["login"], portal["password"]).choose_window(
            shipment["id"], lambda slot_ids: slot_ids[0]
        )
        done = self._until(
            lambda: self._shipment(order_id),
            lambda s: s["state"] == "delivered" and s["appointment_result"],
            "the delivery",
            timeout,
        )
        changes = self.driver.call(
            "logistics.appointment.change",
            "search_read",
            [("shipment_id", "=", shipment["id"]), ("applied", "=", True)],
            fields=["origin"],
        )
        return Delivered(
            done,
            _window(booked["window_start"], booked["window_end"]),
            any(change["origin"] == "customer" for change in changes),
            len(changes),
        )

    def _chain(self, order_id: int, delivered: Delivered, timeout: float) -> str:
        """The order from its quotes to its freight audit, once the quoted charge is
        reconciled (or held)."""
        [order] = self.driver.call(
            "sale.order",
            "read",
            [order_id],
            fields=["name", "logistics_rate_quote_ids", "logistics_rate_quote_id"],
        )
        [quote] = self.driver.call(
            "logistics.rate.quote",
            "read",
            [order["logistics_rate_quote_id"][0]],
            fields=["carrier_code", "service_code", "price", "currency_id"],
        )
        shipment = delivered.shipment
        charge = self._until(
            lambda: self._quoted_charge(shipment["id"], quote["id"]),
            lambda c: c["has_actual"] and c["state"] != "pending",
            "the freight audit of the quoted charge",
            timeout,
        )
        freight = f"freight {charge['actual_amount']:.2f} {charge['currency_id'][1]} billed"
        audit = (
            f"{freight}, reconciled against the quote's {charge['expected_amount']:.2f}"
            if charge["state"] == "approved"
            else f"{freight} against the quote's {charge['expected_amount']:.2f}: "
            f"{charge['state'].replace('_', ' ')}"
        )
        exported = (
            f"exported to the TMS as {shipment['name']} ({shipment['tms_reference']})"
            if shipment["export_state"] == "exported"
            else f"export {shipment['export_state'].replace('_', ' ')}"
        )
        return (
            f"{order['name']} quoted {len(order['logistics_rate_quote_ids'])} services, chose "
            f"{quote['carrier_code']} {quote['service_code']} at {quote['price']:.2f} "
            f"{quote['currency_id'][1]}, confirmed and {exported}, window {delivered.booked} "
            f"booked by staff, {delivered.rescheduled} to {delivered.window}, "
            f"{delivered.outcome}, {audit}"
        )
