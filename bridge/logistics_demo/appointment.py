"""The demo's delivery by appointment: an order shipped with the TMS service
``appointment`` waits at the hub; staff book a window among those the TMS offers, the
customer moves it from the portal to the window under way, and the TMS delivers within it."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import requests

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


def _window(start: str, end: str) -> str:
    first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
    return f"{first:%m/%d %H:%M}–{last:%H:%M} UTC"


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

    def _until(self, order_id: int, ready: Callable[[dict], bool], what: str, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shipment = self._shipment(order_id)
            if shipment and ready(shipment):
                return shipment
            _logger.info("waiting for %s", what)
            time.sleep(self.poll_seconds)
        raise FlowTimeout(f"timed out after {timeout:.0f}s waiting for {what}")

    def run(self, setup: dict[str, Any], first_index: int, timeout: float) -> str:
        """Ship, book, reschedule from the portal and deliver; the demo's line."""
        [order_id] = self.driver.confirm_orders(
            setup["product_id"],
            setup["appointment_carrier_id"],
            [setup["appointment_customer_id"]],
            1,
            first_index=first_index,
        )
        shipment = self._until(
            order_id, lambda s: s["state"] == "in_transit", "the order at the hub", timeout
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
            order_id,
            lambda s: s["appointment_state"] == "confirmed",
            "the TMS's confirmation",
            timeout,
        )
        portal = setup["appointment_portal"]
        CustomerPortal(self.odoo_url, portal["login"], portal["password"]).choose_window(
            shipment["id"], lambda slot_ids: slot_ids[0]
        )
        done = self._until(
            order_id,
            lambda s: s["state"] == "delivered" and s["appointment_result"],
            "the delivery",
            timeout,
        )
        changes = self.driver.call(
            "logistics.appointment.change",
            "search_read",
            [("shipment_id", "=", shipment["id"]), ("applied", "=", True)],
            fields=["origin", "state"],
            order="event_time, id",
        )
        moved_by_customer = any(c["origin"] == "customer" for c in changes)
        outcome = {
            "kept": "delivered within the window",
            "late": "delivered outside the window",
            "missed": "missed",
        }[done["appointment_result"]]
        return (
            f"{done['name']} booked {_window(booked['window_start'], booked['window_end'])}, "
            f"{'rescheduled from the portal' if moved_by_customer else 'not rescheduled'} to "
            f"{_window(done['appointment_start'], done['appointment_end'])}, {outcome} "
            f"at {datetime.fromisoformat(done['actual_delivery_date']):%H:%M:%S} "
            f"(stop {done['stop_sequence']} of {done['stops_total']}); "
            f"{len(changes)} appointment changes"
        )
