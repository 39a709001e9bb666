from datetime import datetime

import responses

from .common import LogisticsPortalCase, trap_jobs

EVENT_TIME = datetime(2026, 3, 2, 9, 30)
PORTAL_EVENTS_URL = "http://127.0.0.1:18301/v1/shipment-events"


class TestPortalExchange(LogisticsPortalCase):
    """A portal event is judged by its own exchange type, whatever else is installed."""

    def setUp(self):
        super().setUp()
        self.portal = self._create_portal_endpoint(base_url="http://127.0.0.1:18301")
        with trap_jobs():
            self._add_milestone(self.shipment_a, "in_transit", EVENT_TIME)
        self.message = self.env["logistics.outbound.message"].search(
            [("endpoint_id", "=", self.portal.id)]
        )

    def _shipment_snapshot(self):
        """Every stored scalar value of the shipment, whichever addons added them."""
        names = [
            name
            for name, field in self.shipment_a._fields.items()
            if field.store and field.type not in ("one2many", "many2many")
        ]
        self.env.invalidate_all()
        return self.shipment_a.sudo().read(names)[0]

    @responses.activate
    def test_refused_portal_event_is_work_on_the_message_not_on_the_shipment(self):
        before = self._shipment_snapshot()
        responses.post(PORTAL_EVENTS_URL, status=422, json={"message": "unknown shipment"})
        self.message._send()
        self.assertEqual(self.message.state, "failed")
        self.assertEqual(self._shipment_snapshot(), before)
        self.assertFalse(self.shipment_a.activity_ids)
        self.assertEqual(len(self.message.activity_ids), 1)
        self.assertIn("unknown shipment", self.message.activity_ids.note)

    @responses.activate
    def test_portal_duplicate_409_is_success(self):
        responses.post(PORTAL_EVENTS_URL, status=409, json={"error": "duplicate"})
        self.message._send()
        self.assertEqual(self.message.state, "sent")
        self.assertFalse(self.shipment_a.activity_ids)

    @responses.activate
    def test_accepted_portal_event(self):
        self.assertEqual(self.message.exchange_type_id.code, "portal_event")
        self.assertEqual(self.message.schema_version, "portal-event/1")
        responses.post(PORTAL_EVENTS_URL, status=202, json={})
        self.message._send()
        self.assertEqual(self.message.state, "sent")
        self.assertFalse(self.message.activity_ids)
        self.assertFalse(self.shipment_a.activity_ids)

    def test_portal_endpoints_archived_added_or_moved_are_heard_at_once(self):
        """The portals of a company are kept per worker: changing them applies at once."""

        def portal_events():
            return self.env["logistics.outbound.message"].search(
                [("exchange_type_code", "=", "portal_event"), ("res_id", "=", self.shipment_a.id)]
            )

        self.portal.active = False
        with trap_jobs():
            self._add_milestone(self.shipment_a, "out_for_delivery", EVENT_TIME)
        self.assertEqual(portal_events(), self.message)
        self.portal.active = True
        second = self._create_portal_endpoint(code="second_portal")
        with trap_jobs():
            self._add_milestone(self.shipment_a, "delivered", EVENT_TIME)
        self.assertEqual(portal_events().endpoint_id, self.portal | second)
        self.assertEqual(len(portal_events()), 3)
