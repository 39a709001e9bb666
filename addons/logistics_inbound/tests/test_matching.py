from .common import LogisticsInboundSourceCase


class TestMatching(LogisticsInboundSourceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        order = cls.env["sale.order"].create(
            {"partner_id": cls.customer.id, "client_order_ref": "PO-42"}
        )
        cls.by_name = cls._create_shipment()
        cls.by_tms = cls._create_shipment(tms_reference="TMS-77")
        cls.by_tracking = cls._shipment_with_tracking("1Z999")
        cls.by_customer_ref = cls._create_shipment(sale_order_id=order.id)

    def _match(self, key, order):
        profile = self._create_profile(shipment_match_order=order)
        self._map(profile, "moving", "in_transit")
        endpoint = self._carrier_endpoint(profile)
        document = {"ref": key, "status": "moving", "at": "2026-03-02T08:00:00+00:00"}
        [answer] = self._ingest_into(endpoint, self._raw(document))
        inbox = self.env["logistics.inbound.event"].search([("endpoint_id", "=", endpoint.id)])
        return answer, inbox.shipment_id

    def test_each_rule(self):
        order = "shipment, tms_reference, tracking_number, customer_reference"
        for key, shipment in (
            (self.by_name.name, self.by_name),
            ("TMS-77", self.by_tms),
            ("1Z999", self.by_tracking),
            ("PO-42", self.by_customer_ref),
        ):
            with self.subTest(key):
                answer, matched = self._match(key, order)
                self.assertEqual(answer["result"], "processed", answer)
                self.assertEqual(matched, shipment)

    def test_only_the_configured_rules_apply(self):
        answer, matched = self._match("1Z999", "shipment, tms_reference")
        self.assertEqual(answer["result"], "needs_review")
        self.assertIn("shipment_reference: no shipment '1Z999'", answer["reason"])
        self.assertFalse(matched)

    def test_the_first_rule_that_finds_the_key_wins(self):
        # "TMS-77" is also the tracking number of another delivery.
        other = self._shipment_with_tracking("TMS-77")
        _answer, matched = self._match("TMS-77", "tracking_number, tms_reference")
        self.assertEqual(matched, other)
        _answer, matched = self._match("TMS-77", "tms_reference, tracking_number")
        self.assertEqual(matched, self.by_tms)

    def test_a_key_found_on_several_shipments_waits_for_review(self):
        twin = self._shipment_with_tracking("1Z999")
        answer, matched = self._match("1Z999", "tracking_number")
        self.assertEqual(answer["result"], "needs_review")
        self.assertIn("'1Z999' is the delivery tracking number of 2 shipments", answer["reason"])
        self.assertIn(twin.name, answer["reason"])
        self.assertFalse(matched)
