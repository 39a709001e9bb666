from datetime import timedelta

from .common import T0, LogisticsInboundCase

EXCEPTION_ACTIVITY = "logistics_tms_inbound.mail_activity_type_shipment_exception"


class TestExceptions(LogisticsInboundCase):
    def _exception_activities(self, shipment):
        return shipment.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(EXCEPTION_ACTIVITY)
        )

    def _raise_exception(self, shipment):
        self._ingest(self._event(status_code="P1", reference=shipment.tms_reference))
        self._ingest(
            self._event(
                status_code="AH",
                status_detail="A1",
                reference=shipment.tms_reference,
                occurred_at=T0 + timedelta(hours=2),
            )
        )
        self.assertTrue(shipment.action_required)

    def test_exception_of_a_job_made_shipment_goes_to_a_real_person(self):
        """Shipments created by a job belong to the inactive superuser: the activity goes
        to the endpoint's responsible instead, and the shipment's message names it."""
        shipment = self._create_shipment(
            tms_reference="EXC-1", user_id=self.env.ref("base.user_root").id
        )
        self._raise_exception(shipment)
        activity = self._exception_activities(shipment)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.integration_admin)
        self.assertIn("Action required", activity.summary)
        message = shipment.message_ids.filtered(lambda m: "Resolve Exception" in (m.body or ""))
        self.assertIn(self.integration_admin.name, message.body)

    def test_exception_after_delivery_does_not_point_at_a_missing_button(self):
        """Delivered, the shipment shows no Resolve Exception button: the chatter says
        how the activity is closed instead."""
        self._ingest(self._event(status_code="D1", reference=self.shipment.tms_reference))
        self._ingest(
            self._event(
                status_code="AH",
                status_detail="A1",
                reference=self.shipment.tms_reference,
                occurred_at=T0 + timedelta(hours=2),
            )
        )
        self.assertEqual(self.shipment.state, "delivered")
        self.assertFalse(self.shipment.action_required)
        self.assertEqual(len(self._exception_activities(self.shipment)), 1)
        bodies = " ".join(self.shipment.message_ids.mapped(lambda m: str(m.body or "")))
        self.assertNotIn("Resolve Exception", bodies)
        self.assertIn("Mark the activity done once handled", bodies)

    def test_resolve_then_reopen(self):
        self._raise_exception(self.shipment)
        self.assertEqual(len(self._exception_activities(self.shipment)), 1)
        self.shipment.with_user(self.logistics_user).action_resolve_exception()
        self.assertFalse(self.shipment.action_required)
        self.assertEqual(self.shipment.state, "exception", "resolving does not invent progress")
        self.assertFalse(self._exception_activities(self.shipment))
        self.assertIn("Exception resolved by", self.shipment.message_ids[0].body)

        self.shipment.with_user(self.logistics_user).action_reopen_exception()
        self.assertTrue(self.shipment.action_required)
        activity = self._exception_activities(self.shipment)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.logistics_user)
        self.assertTrue(
            self.shipment.message_ids.filtered(lambda m: "Exception reopened" in (m.body or ""))
        )

    def test_kanban_cards_show_action_required(self):
        arch = self.env["logistics.shipment"].get_view(view_type="kanban")["arch"]
        self.assertIn("Action required</span>", arch)

    def test_exception_recorded_in_odoo_also_asks_a_person(self):
        """Not only the TMS: an exception milestone recorded by a person or by data
        gets its activity too, so the banner never points at nothing."""
        shipment = self._create_shipment(user_id=self.env.ref("base.user_root").id)
        self._add_milestone(
            shipment, "exception_raised", T0.replace(tzinfo=None), action_required=True
        )
        activity = self._exception_activities(shipment)
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.active)
        self.assertFalse(activity.user_id.share)
