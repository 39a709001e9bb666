import json
from datetime import datetime
from unittest.mock import patch

from odoo.exceptions import AccessError

from odoo.addons.mail.models.mail_thread import MailThread

from ..models.logistics_customer_thread import LogisticsCustomerThread
from .common import LogisticsPortalCase, trap_jobs

EVENT_TIME = datetime(2026, 3, 2, 9, 30)


class TestPortal(LogisticsPortalCase):
    def _customer_messages(self):
        return self.shipment_a.message_ids.filtered(lambda m: self.customer in m.partner_ids)

    def test_customer_message_uses_customer_label_only(self):
        with trap_jobs() as trap:
            self._add_milestone(
                self.shipment_a,
                "exception_raised",
                EVENT_TIME,
                # a code no service-case rule maps: only the milestone e-mail is sent
                raw_code="AH",
                raw_detail="SECRET-REASON",
                note="Carrier blames driver",
            )
            trap.assert_jobs_count(1, only=self.shipment_a._send_customer_update)
            self.assertFalse(self._customer_messages(), "the e-mail waits for its job")
            trap.perform_enqueued_jobs()
        message = self._customer_messages()
        self.assertEqual(len(message), 1)
        self.assertIn("Delayed – we are on it", message.body)
        for internal in ("AH", "SECRET-REASON", "driver", "exception_raised"):
            self.assertNotIn(internal, message.body)

    def test_late_older_event_sends_no_mail(self):
        with trap_jobs() as trap:
            self._add_milestone(self.shipment_a, "delivered", EVENT_TIME)
            trap.perform_enqueued_jobs()
        with trap_jobs() as trap:
            self._add_milestone(self.shipment_a, "picked_up", datetime(2026, 3, 1, 9, 0))
            trap.perform_enqueued_jobs()
        messages = self._customer_messages()
        self.assertEqual(len(messages), 1)
        self.assertIn("Delivered", messages.body)

    def test_portal_list_and_email_name_the_same_milestone(self):
        with trap_jobs() as trap:
            delivered = self._add_milestone(self.shipment_a, "delivered", EVENT_TIME)
            # Arrives later, happened earlier: neither the portal nor the e-mail leads with it.
            self._add_milestone(self.shipment_a, "picked_up", datetime(2026, 3, 1, 9, 0))
            trap.perform_enqueued_jobs()
        as_customer = self.shipment_a.with_user(self.portal_a)
        self.assertEqual(
            as_customer._get_latest_customer_milestones(), {self.shipment_a.id: delivered}
        )
        self.assertIn(delivered.customer_label, self._customer_messages().body)
        self.assertTrue(delivered.customer_notified)

    def test_delivered_stays_the_status_when_an_acknowledgement_is_timed_after_it(self):
        """A TMS acknowledgement recorded at Odoo's clock after the carrier's delivery
        (re-export, late answer) must neither hide "Delivered" nor steal its e-mail."""
        with trap_jobs() as trap:
            self._add_milestone(self.shipment_a, "in_transit", datetime(2026, 3, 1, 9, 0))
            delivered = self._add_milestone(self.shipment_a, "delivered", EVENT_TIME)
            self._add_milestone(self.shipment_a, "shipment_planned", datetime(2026, 3, 3, 8, 0))
            trap.perform_enqueued_jobs()
        self.assertEqual(self.shipment_a.state, "delivered")
        as_customer = self.shipment_a.with_user(self.portal_a)
        self.assertEqual(
            as_customer._get_latest_customer_milestones(), {self.shipment_a.id: delivered}
        )
        self.assertTrue(delivered.customer_notified)
        messages = self._customer_messages()
        self.assertEqual(len(messages), 1)
        self.assertIn("Delivered", messages.body)

    def test_updates_arriving_together_become_one_mail_about_the_newest(self):
        with trap_jobs() as trap:
            self._add_milestone(self.shipment_a, "picked_up", datetime(2026, 3, 1, 9, 0))
            self._add_milestone(self.shipment_a, "in_transit", EVENT_TIME)
            trap.perform_enqueued_jobs()
            trap.perform_enqueued_jobs()
        messages = self._customer_messages()
        self.assertEqual(len(messages), 1)
        self.assertIn("On its way", messages.body)

    def test_customer_updates_leave_the_customer_record_alone(self):
        """Each e-mail carries the customer's signup link; the customer is written once,
        not on every update (concurrent updates of one customer would collide)."""
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2c")
        with trap_jobs() as trap:
            self._add_milestone(self.shipment_a, "picked_up", datetime(2026, 3, 1, 9, 0))
            trap.perform_enqueued_jobs()
        self.assertEqual(self.customer.signup_type, "signup")
        partner_class = type(self.env["res.partner"])
        write = partner_class.write
        written = []

        def recording_write(partners, vals):
            written.extend(partners.ids)
            return write(partners, vals)

        with patch.object(partner_class, "write", recording_write), trap_jobs() as trap:
            self._add_milestone(self.shipment_a, "in_transit", EVENT_TIME)
            trap.perform_enqueued_jobs()
        self.assertEqual(len(self._customer_messages()), 2)
        self.assertNotIn(self.customer.id, written)

    def test_customer_updates_leave_the_shipment_row_alone(self):
        """The e-mail's portal link needs the shipment's access token: it is given at
        creation, so the job never writes the shipment, which ingestion writes with each
        milestone (two writers of one row: a serialization failure)."""
        shipment = self._create_shipment()
        self.assertTrue(shipment.access_token)
        shipment_class = type(self.env["logistics.shipment"])
        write = shipment_class.write
        written = []

        def recording_write(shipments, vals):
            written.extend((shipment.id, name) for shipment in shipments for name in vals)
            return write(shipments, vals)

        with trap_jobs() as trap:
            self._add_milestone(shipment, "picked_up", datetime(2026, 3, 1, 9, 0))
            self.env.flush_all()
            with patch.object(shipment_class, "write", recording_write):
                trap.perform_enqueued_jobs()
                self.env.flush_all()
        told = shipment.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(told), 1, "the customer update was sent")
        self.assertFalse([entry for entry in written if entry[0] == shipment.id])

    def test_pending_customer_update_is_not_delayed_again(self):
        """Jobs stored as in production: a shipment whose e-mail is pending gets no
        second job, and the key looked up for a whole batch is queue_job's own."""
        jobs = self.env["queue.job"]
        self._add_milestone(self.shipment_a, "picked_up", datetime(2026, 3, 1, 9, 0))
        job = jobs.search([("method_name", "=", "_send_customer_update")])
        self.assertEqual(len(job), 1)
        self.assertEqual(job.identity_key, self.shipment_a._customer_update_identity())
        milestones = self.env["logistics.milestone"].create(
            [
                {
                    "shipment_id": shipment.id,
                    "event_type_id": self.event_types["in_transit"].id,
                    "event_time": EVENT_TIME,
                }
                for shipment in (self.shipment_a, self.shipment_b)
            ]
        )
        updates = jobs.search([("method_name", "=", "_send_customer_update")])
        self.assertEqual(len(updates), 2, "one pending e-mail per shipment")
        self.assertEqual((updates - job).identity_key, self.shipment_b._customer_update_identity())
        self.assertEqual(len(milestones), 2)

    def _shipment_with_tracking(self):
        product = self.env["product.product"].create({"name": "Crate", "is_storable": True})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        shipment = picking.logistics_shipment_ids or self._create_shipment(
            sale_order_id=order.id, picking_id=picking.id
        )
        carrier = self.env["delivery.carrier"].create(
            {
                "name": "Parcel Express",
                "product_id": self.env["product.product"]
                .create({"name": "Parcel freight", "type": "service"})
                .id,
                "tracking_url": "https://track.example/?n=<shipmenttrackingnumber>",
            }
        )
        picking.write({"carrier_id": carrier.id, "carrier_tracking_ref": "PX123"})
        shipment.sudo().estimated_date = datetime(2026, 3, 5, 12, 0)
        return shipment

    def test_emails_give_tracking_and_no_expected_delivery_once_delivered(self):
        shipment = self._shipment_with_tracking()
        told = shipment.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        with trap_jobs() as trap:
            in_transit = self._add_milestone(shipment, "in_transit", EVENT_TIME)
            trap.perform_enqueued_jobs()
        [on_its_way] = (
            shipment.message_ids.filtered(lambda m: self.customer in m.partner_ids) - told
        )
        self.assertIn("On its way", on_its_way.body)
        self.assertIn("Expected delivery", on_its_way.body)
        self.assertIn('href="https://track.example/?n=PX123"', on_its_way.body)
        self.assertEqual(
            shipment._prepare_portal_event(in_transit)["estimated_delivery"], "2026-03-05 12:00:00Z"
        )
        with trap_jobs() as trap:
            delivered = self._add_milestone(shipment, "delivered", datetime(2026, 3, 3, 9, 0))
            trap.perform_enqueued_jobs()
        [delivered_mail] = (
            shipment.message_ids.filtered(lambda m: self.customer in m.partner_ids)
            - told
            - on_its_way
        )
        self.assertIn("Delivered", delivered_mail.body)
        self.assertNotIn("Expected delivery", delivered_mail.body)
        self.assertIn("PX123", delivered_mail.body)
        self.assertFalse(shipment.customer_expected_date)
        self.assertIsNone(shipment._prepare_portal_event(delivered)["estimated_delivery"])

    def test_customer_reply_asks_the_responsible_once(self):
        shipment = self.shipment_a
        shipment.user_id = self.logistics_user
        reply_type = self.env.ref("logistics_portal.mail_activity_type_customer_reply")

        def replies():
            return shipment.activity_ids.filtered(lambda a: a.activity_type_id == reply_type)

        shipment.message_post(
            body="We will deliver on Monday.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        shipment.message_post(body="Internal: call the carrier", subtype_xmlid="mail.mt_note")
        self.assertFalse(replies(), "the company's own messages are no reply")
        # As the portal chatter posts it (see the tour for the portal itself).
        as_customer = shipment.sudo()
        as_customer.message_post(
            body="Can you deliver after 2 pm?",
            author_id=self.contact_a.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(replies().user_id, self.logistics_user)
        self.assertIn("after 2 pm", str(replies().note))
        self.assertIn(self.contact_a, shipment.message_partner_ids)
        as_customer.message_post(
            body="Or Tuesday.",
            author_id=self.contact_a.id,
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(len(replies()), 1, "one open reply activity at a time")
        # Another customer's contact, e.g. an e-mail to the wrong thread, is no reply.
        replies().action_feedback()
        shipment.message_post(
            body="Not mine",
            author_id=self.customer_b.id,
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(replies())

    def test_customer_threads_hook_in_before_mail_thread(self):
        """Every record discussed with the customer (shipments, cases and whatever
        inherits the mixin later) runs the mixin's reply and access hooks: they come
        before mail.thread's, which call no further, without code in the model."""
        names = self.env.registry.descendants(["logistics.customer.thread"], "_inherit")
        names.discard("logistics.customer.thread")
        self.assertIn("logistics.shipment", names)
        for name in names:
            with self.subTest(model=name):
                mro = type(self.env[name]).__mro__
                self.assertLess(mro.index(LogisticsCustomerThread), mro.index(MailThread))

    def test_invisible_milestone_sends_nothing(self):
        with trap_jobs() as trap:
            self._add_milestone(self.shipment_a, "invoice_approved", EVENT_TIME)
            trap.assert_jobs_count(0)
        self.assertFalse(self._customer_messages())

    def test_portal_user_reads_only_own_commercial_partner(self):
        shipments = self.env["logistics.shipment"].with_user(self.portal_a).search([])
        self.assertIn(self.shipment_a, shipments)
        self.assertNotIn(self.shipment_b, shipments)
        with self.assertRaises(AccessError):
            self.shipment_b.with_user(self.portal_a).read(["name"])
        self.assertEqual(
            self.shipment_b.with_user(self.portal_b).read(["name"])[0]["name"], self.shipment_b.name
        )

    def test_portal_user_sees_only_customer_visible_milestones(self):
        visible = self._add_milestone(self.shipment_a, "in_transit", EVENT_TIME)
        hidden = self._add_milestone(self.shipment_a, "invoice_approved", EVENT_TIME)
        other = self._add_milestone(self.shipment_b, "in_transit", EVENT_TIME)
        milestones = self.env["logistics.milestone"].with_user(self.portal_a).search([])
        self.assertIn(visible, milestones)
        self.assertNotIn(hidden, milestones)
        self.assertNotIn(other, milestones)

    def test_portal_user_cannot_read_internal_fields_over_rpc(self):
        shipment = self.shipment_a.with_user(self.portal_a)
        readable = shipment.fields_get()
        internal_fields = (
            "charge_ids",
            "expected_freight_amount",
            "actual_freight_amount",
            "correlation_id",
            "tms_reference",
            "export_state",
            "export_blocked_reason",
            "invoice_release_state",
        )
        # The TMS export's fields exist only where it is installed (not without a TMS).
        for internal in (name for name in internal_fields if name in shipment._fields):
            self.assertNotIn(internal, readable)
            with self.assertRaises(AccessError):
                shipment.read([internal])
        self.assertEqual(shipment.read(["state"])[0]["state"], self.shipment_a.state)
        milestone = self._add_milestone(self.shipment_a, "in_transit", EVENT_TIME)
        as_portal = milestone.with_user(self.portal_a)
        for internal in ("raw_code", "raw_detail", "endpoint_id", "external_event_id", "note"):
            with self.assertRaises(AccessError):
                as_portal.read([internal])
        self.assertEqual(as_portal.read(["customer_label"])[0]["customer_label"], "On its way")

    def test_portal_event_is_masked_and_enqueued(self):
        portal = self._create_portal_endpoint()
        with trap_jobs() as trap:
            milestone = self._add_milestone(
                self.shipment_a, "out_for_delivery", EVENT_TIME, raw_code="X6", location="Amsterdam"
            )
        # the portal event and the customer's e-mail
        trap.assert_jobs_count(2)
        trap.assert_jobs_count(1, only=self.shipment_a._send_customer_update)
        message = self.env["logistics.outbound.message"].search([("endpoint_id", "=", portal.id)])
        self.assertEqual(len(message), 1)
        self.assertEqual(message.exchange_type_code, "portal_event")
        self.assertIn(f"milestone-{milestone.id}", message.idempotency_key)
        self.assertEqual(message.correlation_id, self.shipment_a.correlation_id)
        payload = json.loads(message.payload)
        self.assertEqual(payload["label"], "Out for delivery")
        self.assertEqual(payload["ship_to"]["email"], "o***@acme.example")
        self.assertEqual(payload["ship_to"]["phone"], "***0199")
        self.assertEqual(payload["ship_to"]["street"], "***")
        self.assertEqual(payload["location"], "Amsterdam")
        text = json.dumps(payload)
        for internal in ("X6", "ops@acme.example", "Keizersgracht", "expected_freight", "amount"):
            self.assertNotIn(internal, text)

    def test_no_portal_endpoint_no_outbound_event(self):
        self._add_milestone(self.shipment_a, "in_transit", EVENT_TIME)
        self.assertFalse(
            self.env["logistics.outbound.message"].search(
                [("model", "=", "logistics.shipment"), ("res_id", "=", self.shipment_a.id)]
            )
        )
