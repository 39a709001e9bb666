"""The simulated TMS's HTTP side: the ``tms-order``, ``tms-return``, ``tms-rate``,
``tms-appointment`` and ``tms-master-data`` v1 contracts, served by waitress."""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from .appointments import AppointmentDesk, Booking, InvalidAppointmentRequest
from .faults import Faults
from .lifecycle import (
    Callback,
    appointment_confirmation,
    appointment_delivery,
    as_sent,
    cancellation_callback,
    lifecycle_callbacks,
)
from .masterdata import InvalidMasterData, MasterDataBook, change_notification
from .orders import IdempotencyConflict, OrderBook, UnknownOrder, order_reference
from .rates import InvalidRateRequest, RateBook
from .sender import CallbackSender

_logger = logging.getLogger(__name__)

_ORDER_PATH = re.compile(
    r"^/v1/(?:orders|returns)/(?P<reference>[^/]+)(?:/(?P<action>cancel|callbacks))?/?$"
)
_MASTER_DATA_PATH = re.compile(r"^/v1/master-data(?:/(?P<kind>[a-z_]+)(?:/(?P<key>[^/]+))?)?/?$")
RETRY_AFTER_SECONDS = 1
StartResponse = Callable[..., Any]


class SimulatedTms:
    """WSGI application of the simulated TMS.

    Orders are accepted under an ``Idempotency-Key`` and answered 201 with a
    planning reference and a carrier; the order's lifecycle is then reported to
    the bridge, one callback every ``pace_seconds``. Event times follow the order's
    own life: the planning happens when the order is received and each later
    event one ``pace_seconds`` after the one before, so a return's events come
    after the delivery it returns and no callback reports an event before it
    happened (copies and shuffles wait for their event's time).
    """

    def __init__(
        self,
        sender: CallbackSender,
        api_key: str | None,
        faults: Faults,
        pace_seconds: float = 0.5,
        seed: int | None = None,
        currency: str = "EUR",
        slot_minutes: int = 120,
    ) -> None:
        self.orders = OrderBook()
        self.rates = RateBook(currency)
        self.master_data = MasterDataBook()
        self.appointments = AppointmentDesk(slot_minutes)
        self.faults = faults
        self._sender = sender
        self._api_key = api_key
        self._pace = pace_seconds
        self._currency = currency
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        # Each order's callbacks in the order they happened, before any fault.
        self._lifecycles: dict[str, list[Callback]] = {}
        self._order_calls: Counter[str] = Counter()
        self._rate_calls: Counter[str] = Counter()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        try:
            status, document = self._route(method, path, environ)
        except Exception:  # the simulator answers 500 like a real TMS would, and says so
            _logger.exception("simulator failure on %s %s", method, path)
            status, document = 500, {"error": "internal", "message": "simulator failure"}
        body = json.dumps(document).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        if status == 429:
            headers.append(("Retry-After", str(RETRY_AFTER_SECONDS)))
        start_response(f"{status} {'OK' if status < 400 else 'ERROR'}", headers)
        return [body]

    def _route(self, method: str, path: str, environ: dict[str, Any]) -> tuple[int, dict]:
        if path == "/healthz":
            return 200, {"status": "ok", "orders": len(self.orders.all())}
        if path == "/v1/orders" and method == "GET":
            return 200, {"orders": [self._summary(o) for o in self.orders.all()]}
        if path == "/v1/stats" and method == "GET":
            return 200, self.stats()
        match = _ORDER_PATH.match(path)
        if match and match["action"] == "callbacks" and method == "GET":
            return self._lifecycle(match["reference"])
        if self._api_key and environ.get("HTTP_X_API_KEY") != self._api_key:
            return 401, {"error": "unauthorized", "message": "missing or wrong X-API-Key"}
        master = _MASTER_DATA_PATH.match(path)
        if master:
            return self._master_data(method, master["kind"], master["key"], environ)
        if path in ("/v1/orders", "/v1/orders/") and method == "POST":
            return self._create(environ)
        if path in ("/v1/returns", "/v1/returns/") and method == "POST":
            return self._create(environ, kind="return")
        if path in ("/v1/rates", "/v1/rates/") and method == "POST":
            return self._with_failure(lambda: self._quote(environ), self._rate_calls)
        if path in ("/v1/appointments/slots", "/v1/appointments") and method == "POST":
            return self._with_failure(lambda: self._appointment(path, environ), self._rate_calls)
        if match and match["action"] == "cancel" and method == "POST":
            return self._cancel(match["reference"])
        if match and not match["action"] and method == "PUT":
            return self._update(match["reference"], environ)
        return 404, {"error": "not_found", "message": f"no route for {method} {path}"}

    def stats(self) -> dict[str, Any]:
        """Callbacks delivered by the sender, order and rate calls answered, by outcome."""
        with self._rng_lock:
            order_calls = dict(self._order_calls)
            rate_calls = dict(self._rate_calls)
        return {
            "callbacks": asdict(self._sender.stats),
            "callbacks_pending": self._sender.pending(),
            "order_calls": order_calls,
            "rate_calls": rate_calls,
        }

    def _draw_failure(self, calls: Counter[str]) -> str | None:
        """The failure mode this call suffers, if any (counted per outcome in ``calls``)."""
        if self.faults.order_delay_seconds:
            time.sleep(self.faults.order_delay_seconds)
        with self._rng_lock:
            failure = None
            if self._rng.random() < self.faults.order_error_rate:
                failure = self._rng.choice(self.faults.failure_modes)
            calls[failure or "answered"] += 1
        return failure

    def _with_failure(
        self, handle: Callable[[], tuple[int, dict]], calls: Counter[str] | None = None
    ) -> tuple[int, dict]:
        """Run an order (or rate) call under the fault switches: refused, or done and
        answered late."""
        failure = self._draw_failure(self._order_calls if calls is None else calls)
        if failure == "5xx":
            return 503, {"error": "unavailable", "message": "simulated outage"}
        if failure == "429":
            return 429, {"error": "rate_limited", "message": "too many requests"}
        answer = handle()
        if failure == "timeout":
            time.sleep(self.faults.order_timeout_seconds)
        return answer

    def _create(self, environ: dict[str, Any], kind: str = "order") -> tuple[int, dict]:
        return self._with_failure(lambda: self._create_order(environ, kind))

    def _create_order(self, environ: dict[str, Any], kind: str) -> tuple[int, dict]:
        key = environ.get("HTTP_IDEMPOTENCY_KEY")
        if not key:
            return 400, {"error": "missing_idempotency_key", "message": "Idempotency-Key needed"}
        body = _read(environ)
        try:
            payload = json.loads(body)
        except ValueError:
            return 400, {"error": "malformed_json", "message": "body is not JSON"}
        if not isinstance(payload, dict) or not order_reference(payload):
            return 422, {
                "error": "invalid_order",
                "message": "order_reference is required",
                "fields": ["order_reference"],
            }
        try:
            answer, created = self.orders.create(key, body, payload, kind)
        except IdempotencyConflict:
            return 422, {
                "error": "idempotency_key_reused",
                "message": "this Idempotency-Key was used for a different order",
            }
        if created:
            order = self.orders.get(order_reference(payload) or "")
            order.quoted_freight = self.rates.quoted_price(payload)
            self._report_lifecycle(order.reference)
        return answer.status, answer.body

    def _quote(self, environ: dict[str, Any]) -> tuple[int, dict]:
        try:
            request = json.loads(_read(environ))
        except ValueError:
            return 400, {"error": "malformed_json", "message": "body is not JSON"}
        try:
            return 200, self.rates.quote(request)
        except InvalidRateRequest as err:
            return 422, {
                "error": "invalid_rate_request",
                "message": f"missing or invalid: {err}",
                "fields": err.fields,
            }

    def _master_data(
        self, method: str, kind: str | None, key: str | None, environ: dict[str, Any]
    ) -> tuple[int, dict]:
        """``GET /v1/master-data``: what the TMS holds per kind; ``GET …/<kind>``: its
        records; ``POST …/<kind>``: a ``tms-master-data`` v1 batch; ``PUT …/<kind>/<key>``:
        a change made in the TMS itself (the record's next version), notified to Odoo
        through the bridge."""
        if kind is None and method == "GET":
            return 200, self.master_data.summary()
        if kind is not None and key is None and method == "GET":
            if kind not in self.master_data.summary():
                return 404, {"error": "unknown_kind", "message": f"no master data {kind}"}
            return 200, {"records": self.master_data.records(kind)}
        try:
            body = json.loads(_read(environ))
        except ValueError:
            return 400, {"error": "malformed_json", "message": "body is not JSON"}
        if kind is not None and key is None and method == "POST":
            try:
                answer = self.master_data.receive(kind, body, environ.get("HTTP_IDEMPOTENCY_KEY"))
            except InvalidMasterData as err:
                return 422, {
                    "error": "invalid_master_data",
                    "message": f"missing or invalid: {err}",
                    "fields": err.fields,
                }
            return 200, answer
        if kind is not None and key is not None and method == "PUT" and isinstance(body, dict):
            try:
                held = self.master_data.edit(kind, key, body)
            except KeyError:
                return 404, {"error": "unknown_record", "message": f"no {kind} {key}"}
            notification = change_notification(kind, key, held, datetime.now(UTC))
            self._sender.schedule(
                Callback(notification["notification_id"], notification),
                time.monotonic() + self._pace,
            )
            return 200, {"key": key, "version": held.version, "data": held.data}
        return 404, {"error": "not_found", "message": f"no route for {method} master data"}

    def _appointment(self, path: str, environ: dict[str, Any]) -> tuple[int, dict]:
        """Windows offered (``/v1/appointments/slots``) or one booked (``/v1/appointments``)."""
        try:
            request = json.loads(_read(environ))
        except ValueError:
            return 400, {"error": "malformed_json", "message": "body is not JSON"}
        try:
            if path.endswith("/slots"):
                return 200, self.appointments.slots(request)
            booking = self.appointments.book(request)
            order = self.orders.get(booking.reference)
        except (InvalidAppointmentRequest, UnknownOrder) as err:
            fields = getattr(err, "fields", ["order_reference"])
            return 422, {"error": "invalid_appointment", "message": str(err), "fields": fields}
        self._sender.schedule(
            appointment_confirmation(order, booking, datetime.now(UTC)),
            time.monotonic() + self._pace,
        )
        wait = (booking.window.start - datetime.now(UTC)).total_seconds()
        timer = threading.Timer(max(wait, 0.0) + self._pace, self._deliver, (booking,))
        timer.daemon = True
        timer.start()
        return 202, {"status": "accepted", "booking_version": booking.version}

    def _deliver(self, booking: Booking) -> None:
        """The delivery round of ``booking``'s order, unless another booking replaced it."""
        order = self.orders.get(booking.reference)
        if order.cancelled or not self.appointments.in_force(booking):
            return
        step = timedelta(seconds=self._pace)
        callbacks = appointment_delivery(
            order, booking, datetime.now(UTC), step, self.faults, self._currency
        )
        now = time.monotonic()
        for position, callback in enumerate(callbacks, start=1):
            self._sender.schedule(callback, now + position * self._pace)

    def _update(self, reference: str, environ: dict[str, Any]) -> tuple[int, dict]:
        return self._with_failure(lambda: self._update_order(reference, environ))

    def _update_order(self, reference: str, environ: dict[str, Any]) -> tuple[int, dict]:
        try:
            payload = json.loads(_read(environ))
            answer = self.orders.update(reference, payload)
        except ValueError:
            return 400, {"error": "malformed_json", "message": "body is not JSON"}
        except UnknownOrder:
            return 404, {"error": "unknown_order", "message": f"no order {reference}"}
        return answer.status, answer.body

    def _cancel(self, reference: str) -> tuple[int, dict]:
        try:
            answer, order = self.orders.cancel(reference)
        except UnknownOrder:
            return 404, {"error": "unknown_order", "message": f"no order {reference}"}
        self._sender.schedule(
            cancellation_callback(order, datetime.now(UTC)), time.monotonic() + self._pace
        )
        return answer.status, answer.body

    def _report_lifecycle(self, reference: str) -> None:
        order = self.orders.get(reference)
        step = timedelta(seconds=self._pace)
        start = order.received_at
        with self._rng_lock:
            callbacks = lifecycle_callbacks(
                order, start, step, self.faults, self._rng, self._currency
            )
            self._lifecycles[order.planning_reference] = callbacks
            sent = as_sent(callbacks, self.faults, self._rng)
        now = time.monotonic()
        elapsed = (datetime.now(UTC) - start).total_seconds()
        for position, callback in enumerate(sent, start=1):
            # Not before the event happened, whatever the copies and shuffles say.
            happens = now - elapsed + (callback.occurred_at - start).total_seconds()
            self._sender.schedule(callback, max(now + position * self._pace, happens))

    def _lifecycle(self, planning_reference: str) -> tuple[int, dict]:
        with self._rng_lock:
            callbacks = self._lifecycles.get(planning_reference)
        if callbacks is None:
            return 404, {"error": "unknown_order", "message": f"no order {planning_reference}"}
        return 200, {"callbacks": [callback.envelope for callback in callbacks]}

    @staticmethod
    def _summary(order: Any) -> dict[str, Any]:
        return {
            "reference": order.reference,
            "planning_reference": order.planning_reference,
            "version": order.version,
            "cancelled": order.cancelled,
            "kind": order.kind,
        }


def _read(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length) if length else b""
