from .common import LogisticsInboundSourceCase

EXCEPTION_ACTIVITY = "logistics_inbound.mail_activity_type_shipment_exception"


class TestExceptions(LogisticsInboundSourceCase):
    """An exception from any source, or recorded in Odoo, asks a person to act; Resolve
    and Reopen on the shipment end and restart that."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile = cls._create_profile()
        cls._map(cls.profile, "PICKED", "picked_up")
        cls._map(cls.profile, "DELIVERED", "delivered")
        cls._map(cls.profile, "REFUSED", "exception_raised").action_required = True
        cls.carrier = cls._carrier_endpoint(cls.profile)
        cls.carrier.responsible_user_id = cls.integration_admin
        cls.shipment = cls._create_shipment(user_id=cls.logistics_user.id)

    def _exception_activities(self, shipment):
        return shipment.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(EXCEPTION_ACTIVITY)
        )

    def _report(self, shipment, code, at):
        document = {"ref": shipment.name, "status": code, "at": at}
        [answer] = self._ingest_into(self.carrier, self._raw(document))
        self.assertEqual(answer["result"], "processed", answer)

    def _raise_exception(self, shipment):
        self._report(shipment, "PICKED", "2026-03-02T08:00:00Z")
        self._report(shipment, "REFUSED", "2026-03-02T10:00:00Z")
        self.assertTrue(shipment.action_required)

    def test_exception_of_a_job_made_shipment_goes_to_a_real_person(self):
        """Shipments created by a job belong to the inactive superuser: the activity goes
        to the endpoint's responsible instead, and the shipment's message names it."""
        shipment = self._create_shipment(user_id=self.env.ref("base.user_root").id)
        self._raise_exception(shipment)
        activity = self._exception_activities(shipment)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.integration_admin)
        self.assertIn("Action required", activity.summary)
        self.assertIn("REFUSED", activity.note)
        message = shipment.message_ids.filtered(lambda m: "Resolve Exception" in (m.body or ""))
        self.assertIn(self.integration_admin.name, message.body)

    def test_exception_after_delivery_does_not_point_at_a_missing_button(self):
        """Delivered, the shipment shows no Resolve Exception button: the chatter says
        how the activity is closed instead."""
        self._report(self.shipment, "DELIVERED", "2026-03-02T08:00:00Z")
        self._report(self.shipment, "REFUSED", "2026-03-02T10:00:00Z")
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

    def test_shipment_views_offer_the_lifecycle(self):
        shipments = self.env["logistics.shipment"]
        form = shipments.get_view(view_type="form")["arch"]
        self.assertIn('name="action_resolve_exception"', form)
        self.assertIn('name="action_reopen_exception"', form)
        self.assertIn("An exception needs action", form)
        kanban = shipments.get_view(view_type="kanban")["arch"]
        self.assertIn("Action required</span>", kanban)
        search = shipments.get_view(view_type="search")["arch"]
        self.assertIn('name="action_required"', search)

    def test_exception_recorded_in_odoo_also_asks_a_person(self):
        """Not only a source: an exception milestone recorded by a person or by data
        gets its activity too, so the banner never points at nothing."""
        shipment = self._create_shipment(user_id=self.env.ref("base.user_root").id)
        self._add_milestone(
            shipment, "exception_raised", self._utc(2026, 3, 2, 8), action_required=True
        )
        self.assertTrue(shipment.action_required)
        activity = self._exception_activities(shipment)
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.active)
        self.assertFalse(activity.user_id.share)
