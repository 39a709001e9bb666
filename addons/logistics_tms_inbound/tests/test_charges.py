from datetime import timedelta
from decimal import Decimal

from odoo.exceptions import UserError

from .common import T0, LogisticsTmsInboundCase


class TestCharges(LogisticsTmsInboundCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls._create_carrier()
        # Company defaults: 25.0 amount and 5 % each way.
        cls.company.write(
            {
                "logistics_tolerance_amount_over": 25.0,
                "logistics_tolerance_amount_under": 25.0,
                "logistics_tolerance_percent_over": 5.0,
                "logistics_tolerance_percent_under": 5.0,
            }
        )

    def _reconciled(self, expected, actual, reference):
        order, shipment = self._create_order_shipment(self.carrier, expected, reference)
        answer = self._ingest_one(self._charges_event(reference, actual))
        self.assertEqual(answer["result"], "processed", answer)
        return order, shipment, shipment.charge_ids

    def test_expected_comes_from_the_delivery_line(self):
        _order, _shipment, charge = self._reconciled(200.0, 200.0, "TOL-0")
        self.assertEqual(charge.expected_amount, 200.0)
        self.assertEqual(charge.state, "approved")

    def test_just_inside_percentage_over(self):
        _o, shipment, charge = self._reconciled(100.0, 105.0, "TOL-1")
        self.assertEqual(charge.state, "approved")
        self.assertEqual(shipment.invoice_release_state, "released")

    def test_just_outside_percentage_over(self):
        _o, shipment, charge = self._reconciled(100.0, 105.01, "TOL-2")
        self.assertEqual(charge.state, "on_hold")
        self.assertEqual(shipment.invoice_release_state, "on_hold")
        activity = shipment.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("logistics_freight.mail_activity_type_freight_decision")
            )
        )
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group("logistics_integration.group_logistics_manager"))
        self.assertIn("variance +5.01 (+5.0 %)", activity.note)

    def test_amount_limit_on_large_freight(self):
        _o, _s, inside = self._reconciled(1000.0, 1025.0, "TOL-3")
        self.assertEqual(inside.state, "approved")
        _o, _s, outside = self._reconciled(1000.0, 1025.01, "TOL-4")
        self.assertEqual(outside.state, "on_hold")

    def test_negative_variance(self):
        _o, _s, inside = self._reconciled(100.0, 95.0, "TOL-5")
        self.assertEqual(inside.state, "approved")
        self.assertEqual(inside.variance, -5.0)
        _o, _s, outside = self._reconciled(100.0, 94.99, "TOL-6")
        self.assertEqual(outside.state, "on_hold")

    def test_carrier_tolerance_overrides_company_default(self):
        self.env["logistics.carrier.tolerance"].create(
            {
                "carrier_id": self.carrier.id,
                "amount_over": 50,
                "percent_over": 10,
                "amount_under": 0,
                "percent_under": 0,
            }
        )
        _o, _s, over = self._reconciled(100.0, 110.0, "TOL-7")
        self.assertEqual(over.state, "approved")
        _o, _s, under = self._reconciled(100.0, 99.0, "TOL-8")
        self.assertEqual(under.state, "on_hold")

    def test_unordered_accessorial_is_held(self):
        order, shipment = self._create_order_shipment(self.carrier, 100.0, "TOL-9")
        self._ingest(self._charges_event("TOL-9", 100.0))
        self._ingest(
            self._charges_event("TOL-9", 15.0, charge_type="accessorial") | {"event_id": "acc-1"}
        )
        accessorial = shipment.charge_ids.filtered(lambda c: c.charge_type == "accessorial")
        self.assertEqual(accessorial.expected_amount, 0.0)
        self.assertEqual(accessorial.state, "on_hold")

    def test_updated_charge_is_reconciled_again(self):
        _o, shipment, charge = self._reconciled(100.0, 150.0, "TOL-10")
        self.assertEqual(charge.state, "on_hold")
        event = self._charges_event("TOL-10", 101.0)
        self._ingest(event)
        self.assertEqual(len(shipment.charge_ids), 1)
        self.assertEqual(charge.actual_amount, 101.0)
        self.assertEqual(charge.state, "approved")

    def test_a_late_older_charge_report_never_undoes_a_newer_amount(self):
        _o, shipment, charge = self._reconciled(100.0, 101.0, "TOL-11")
        older = self._charges_event("TOL-11", 150.0)
        older["occurred_at"] = (T0 - timedelta(hours=1)).isoformat()
        self.assertEqual(self._ingest_one(older)["result"], "processed")
        self.assertEqual(len(shipment.charge_ids), 1)
        self.assertEqual(charge.actual_amount, 101.0)
        self.assertEqual(charge.state, "approved")

    def test_invoice_refused_while_on_hold_then_uses_approved_actual(self):
        order, shipment, charge = self._reconciled(100.0, 140.0, "INV-1")
        with self.assertRaisesRegex(UserError, "on hold"):
            order._create_invoices()
        wizard = (
            self.env["logistics.freight.charge.decision"]
            .with_user(self.logistics_manager)
            .create({"charge_id": charge.id, "decision": "approve", "reason": "Re-weigh confirmed"})
        )
        wizard.action_confirm()
        self.assertEqual(charge.state, "approved")
        self.assertEqual(charge.decision_user_id, self.logistics_manager)
        self.assertEqual(shipment.invoice_release_state, "released")
        invoice = order._create_invoices()
        delivery_line = invoice.invoice_line_ids.filtered(lambda ln: ln.sale_line_ids.is_delivery)
        self.assertEqual(delivery_line.price_unit, 140.0)
        self.assertNotIn(
            "logistics_integration.event_type_invoice_approved",
            shipment.milestone_ids.event_type_id.get_external_id().values(),
        )
        invoice.action_post()
        self.assertIn(
            self.env.ref("logistics_integration.event_type_invoice_approved"),
            shipment.milestone_ids.event_type_id,
        )
        self.assertEqual(shipment.state, "draft", "administrative milestones do not move the state")
        trail = self.env["logistics.integration.log"].search(
            [("correlation_id", "=", shipment.correlation_id)]
        )
        self.assertEqual(
            set(trail.mapped("summary")),
            {"inbound charges", "invoice posted"},
            "callbacks and invoice",
        )
        self.assertEqual(order.logistics_correlation_id, shipment.correlation_id)

    def test_disputed_charge_keeps_invoice_refused(self):
        order, shipment, charge = self._reconciled(100.0, 140.0, "INV-2")
        charge.with_user(self.logistics_manager)._record_decision("disputed", "Never ordered")
        self.assertEqual(shipment.invoice_release_state, "on_hold")
        with self.assertRaises(UserError):
            order._create_invoices()

    def test_action_opens_decision_wizard(self):
        _o, _s, charge = self._reconciled(100.0, 140.0, "INV-3")
        action = charge.action_dispute()
        self.assertEqual(action["res_model"], "logistics.freight.charge.decision")
        self.assertEqual(action["context"]["default_decision"], "dispute")

    def test_unknown_currency_waits_for_review(self):
        self._create_order_shipment(self.carrier, 100.0, "CUR-1")
        event = self._charges_event("CUR-1", 10.0)
        event["payload"]["charges"][0]["currency"] = "XQQ"
        answer = self._ingest_one(event)
        self.assertEqual(answer["result"], "needs_review")
        self.assertIn("payload.charges[0].currency", answer["reason"])

    def test_tms_amount_replaces_one_typed_in_odoo(self):
        _order, shipment = self._create_order_shipment(self.carrier, 100.0, "MAN-TMS")
        charge = self.env["logistics.freight.charge"].create(
            {"shipment_id": shipment.id, "expected_amount": 100.0}
        )
        charge.with_user(self.logistics_manager).write({"actual_amount": 101.0})
        self.assertTrue(charge.manual_actual)
        self.assertEqual(charge.state, "on_hold")
        self._ingest(self._charges_event("MAN-TMS", 102.0))
        self.assertEqual(shipment.charge_ids, charge, "the same line, not a second one")
        self.assertEqual(charge.actual_amount, 102.0)
        self.assertFalse(charge.manual_actual)
        self.assertEqual(charge.endpoint_id, self.endpoint)
        self.assertEqual(charge.state, "approved")
        self.assertFalse(
            shipment.activity_ids.filtered(
                lambda a: (
                    a.activity_type_id
                    == self.env.ref("logistics_freight.mail_activity_type_freight_decision")
                )
            ),
            "nothing left to decide",
        )

    def test_amount_is_rounded_to_the_currency_only_at_the_end(self):
        """An amount the bridge forwarded as written (more decimals than the currency has,
        a half-cent that binary floats hold just below) is rounded half-up once, when it
        becomes the charge's monetary amount."""
        rounding = self.env.company.currency_id.rounding
        self.assertEqual(rounding, 0.01)
        for reference, sent, kept in (
            ("EXACT-1", 1234.5678901234567, 1234.57),
            ("EXACT-2", 10.005, 10.01),
            ("EXACT-3", 0.1 + 0.2, 0.3),
        ):
            _o, _s, charge = self._reconciled(100.0, sent, reference)
            self.assertEqual(charge.actual_amount, kept, reference)

    def test_amount_beyond_what_odoo_keeps_exactly_is_rejected_naming_it(self):
        # Each was answered "processed" and stored otherwise: 10000000000000.00,
        # 12345678901234578.00 and a 301-digit number that is not 1e300.
        for index, amount in enumerate((9999999999999.99, 1e12, 12345678901234567.89, 1e300)):
            with self.subTest(amount=amount):
                reference = f"EXA-{index}"
                _order, shipment = self._create_order_shipment(self.carrier, 100.0, reference)
                answer = self._ingest_one(self._charges_event(reference, 100.0, amount))
                self.assertEqual(answer["result"], "rejected", answer)
                self.assertIn("payload.charges[1].amount:", answer["reason"])
                self.assertIn("out of range", answer["reason"])
                self.assertFalse(shipment.charge_ids, "nothing of a rejected event is applied")
                self.assertFalse(
                    self.env["logistics.inbound.event"].search(
                        [("external_event_id", "=", answer["event_id"])]
                    )
                )

    def test_amount_of_fourteen_digits_is_stored_as_sent(self):
        for index, amount in enumerate((999999999999.99, 123456789012.34, 0.01, 7)):
            with self.subTest(amount=amount):
                _o, _shipment, charge = self._reconciled(100.0, amount, f"EXB-{index}")
                self.env.cr.execute(
                    "SELECT actual_amount::text FROM logistics_freight_charge WHERE id = %s",
                    [charge.id],
                )
                self.assertEqual(Decimal(self.env.cr.fetchone()[0]), Decimal(repr(float(amount))))
