from datetime import timedelta

import responses

from odoo import fields

from odoo.addons.logistics_integration.tests.common import trap_jobs
from odoo.addons.logistics_portal.tests.common import LogisticsPortalCase
from odoo.addons.logistics_tms_inbound.tests.common import T0, LogisticsTmsInboundCase

__all__ = ["T0", "AppointmentCase", "portal_csrf_token", "trap_jobs"]

SLOTS_PATH = "/v1/appointments/slots"
BOOK_PATH = "/v1/appointments"


def portal_csrf_token(case, shipment):
    """The CSRF token of ``shipment``'s portal page, as the logged-in customer of
    ``case`` (an HttpCase) sees it."""
    page = case.url_open(f"/my/shipments/{shipment.id}")
    marker = 'name="csrf_token" value="'
    if marker in page.text:
        return page.text.split(marker, 1)[1].split('"', 1)[0]
    return page.text.split('csrf_token: "', 1)[1].split('"', 1)[0]


class AppointmentCase(LogisticsTmsInboundCase, LogisticsPortalCase):
    """A TMS that offers delivery windows, a shipment it planned for customer A (with a
    portal user) and one for customer B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not getattr(cls, "registry_test_mode", False):
            # The outbox logs from its own cursor, which must work inside the test's
            # transaction (HttpCase sets this up itself).
            cls.registry.enter_test_mode(cls.cr)
            cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.company.logistics_tms_endpoint_id = cls.endpoint
        (cls.customer | cls.customer_b).write({"country_id": cls.env.ref("base.nl").id})
        cls.shipment_a.tms_reference = "TMS-A1"
        cls.shipment_b.tms_reference = "TMS-B1"
        cls.slots_url = cls.endpoint.base_url + SLOTS_PATH
        cls.book_url = cls.endpoint.base_url + BOOK_PATH

    @staticmethod
    def _window(hours_from_now, length=2):
        """A window (start, end) as aware ISO texts, ``hours_from_now`` ahead of now."""
        start = fields.Datetime.now().replace(microsecond=0) + timedelta(hours=hours_from_now)
        return (
            start.isoformat() + "+00:00",
            (start + timedelta(hours=length)).isoformat() + "+00:00",
        )

    def _slot(self, slot_id, hours_from_now):
        start, end = self._window(hours_from_now)
        return {"slot_id": slot_id, "window_start": start, "window_end": end}

    def _offer(self, shipment, *slots):
        """Fetch ``shipment``'s windows from a TMS offering ``slots``; (slots, request body)."""
        with responses.RequestsMock() as mocked:
            mocked.post(self.slots_url, json={"slots": list(slots)})
            offered = shipment._fetch_appointment_slots()
            body = mocked.calls[0].request.body
        return offered, body

    def _appointment_event(self, code, occurred_at, window=None, reference="TMS-A1", **payload):
        if window:
            payload.update(appointment_start=window[0], appointment_end=window[1])
        return self._event(
            status_code=code, reference=reference, occurred_at=occurred_at, **payload
        )

    @staticmethod
    def _iso(moment):
        return moment.isoformat()

    @staticmethod
    def _span(start, hours=2):
        return (start.isoformat(), (start + timedelta(hours=hours)).isoformat())
