from odoo.exceptions import AccessError, UserError

from .common import LogisticsInboundCase


class TestReviewLinkDismiss(LogisticsInboundCase):
    """An event for an unknown shipment waits in Needs Review until a person links or
    dismisses it."""

    def _waiting_event(self, reference):
        answer = self._ingest_one(self._event(status_code="X6", reference=reference))
        self.assertEqual(answer["result"], "needs_review")
        event = self.env["logistics.inbound.event"].search([("shipment_reference", "=", reference)])
        self.assertEqual(event.state, "needs_review")
        self.assertTrue(event.activity_ids)
        return event

    def test_link_to_a_shipment_applies_the_event(self):
        event = self._waiting_event("TYPO-1000")
        as_admin = event.with_user(self.integration_admin)
        with self.assertRaisesRegex(UserError, "Shipment: choose"):
            as_admin.action_link_shipment()
        as_admin.shipment_id = self.shipment
        as_admin.action_link_shipment()
        self.assertEqual(event.state, "processed")
        self.assertEqual(self.shipment.state, "out_for_delivery")
        self.assertEqual(event.milestone_id.shipment_id, self.shipment)
        self.assertFalse(event.activity_ids)
        self.assertIn("Linked to", event.message_ids[0].body)

    def test_dismiss_sets_the_event_aside(self):
        event = self._waiting_event("FOREIGN-1")
        event.with_user(self.integration_admin).action_dismiss()
        self.assertEqual(event.state, "dismissed")
        self.assertFalse(event.activity_ids)
        self.assertIn("Dismissed by", event.message_ids[0].body)
        event.with_user(self.integration_admin).action_reprocess()
        self.assertEqual(event.state, "dismissed", "a dismissed event is not reprocessed")
        with self.assertRaises(AccessError):
            self._waiting_event("FOREIGN-2").with_user(self.logistics_user).action_dismiss()
