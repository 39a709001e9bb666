from odoo.tools import mute_logger

from .common import LogisticsInboundSourceCase


class TestRawIngest(LogisticsInboundSourceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile = cls._create_profile(
            path_event_id="document.id",
            path_status_code="document.updates[*].code",
            path_event_time="document.updates[*].at",
            event_time_format="epoch_s",
            path_location="document.updates[*].city, document.updates[*].country",
        )
        cls._map(cls.profile, "picked", "picked_up")
        cls._map(cls.profile, "moving", "in_transit")
        cls.carrier = cls._carrier_endpoint(cls.profile)
        cls.shipment = cls._create_shipment()

    def _document(self, *updates, ref=None):
        return {"id": "doc-1", "ref": ref or self.shipment.name, "updates": list(updates)}

    def test_split_document_becomes_milestones_and_one_answer(self):
        raw = self._raw(
            self._document(
                {"code": "picked", "at": 1772438400, "city": "Lyon", "country": "FR"},
                {"code": "moving", "at": 1772452800, "city": "Paris", "country": "FR"},
            )
        )
        [answer] = self._ingest_into(self.carrier, raw)
        self.assertEqual(
            answer, {"event_id": raw["event_id"], "result": "processed", "reason": None}
        )
        milestones = self.shipment.milestone_ids.sorted("event_time")
        self.assertEqual(milestones.event_type_id.mapped("code"), ["picked_up", "in_transit"])
        self.assertEqual(milestones.mapped("location"), ["Lyon, FR", "Paris, FR"])
        self.assertEqual(milestones[0].event_time, self._utc(2026, 3, 2, 8, 0))
        self.assertTrue(all(m.external_event_id.startswith("doc-1#") for m in milestones))
        self.assertEqual(self.shipment.state, "in_transit")
        inbox = self.env["logistics.inbound.event"].search([("endpoint_id", "=", self.carrier.id)])
        self.assertEqual(set(inbox.mapped("document_format")), {"json"})
        self.assertEqual(set(inbox.mapped("event_type")), {"status"})

    def test_raw_document_keeps_the_traceparent_on_each_event_it_holds(self):
        traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        raw = self._raw(
            self._document(
                {"code": "picked", "at": 1772438400, "city": "Lyon", "country": "FR"},
                {"code": "moving", "at": 1772452800, "city": "Paris", "country": "FR"},
            )
        )
        [answer] = self._ingest_into(self.carrier, dict(raw, traceparent=traceparent))
        self.assertEqual(answer["result"], "processed")
        inbox = self.env["logistics.inbound.event"].search([("endpoint_id", "=", self.carrier.id)])
        self.assertEqual(len(inbox), 2)
        self.assertEqual(set(inbox.mapped("traceparent")), {traceparent})

    def test_redelivered_and_grown_document_adds_only_the_new_update(self):
        first = {"code": "picked", "at": 1772438400, "city": "Lyon", "country": "FR"}
        self._ingest_into(self.carrier, self._raw(self._document(first)))
        grown = self._raw(
            self._document(
                first, {"code": "moving", "at": 1772452800, "city": "Paris", "country": "FR"}
            )
        )
        [answer] = self._ingest_into(self.carrier, grown)
        self.assertEqual(answer["result"], "processed")
        self.assertEqual(len(self.shipment.milestone_ids), 2)
        [answer] = self._ingest_into(self.carrier, dict(grown, event_id="bridge-again"))
        self.assertEqual(answer["result"], "duplicate")
        self.assertEqual(len(self.shipment.milestone_ids), 2)

    def test_unmapped_update_waits_and_the_answer_says_which(self):
        raw = self._raw(
            self._document(
                {"code": "picked", "at": 1772438400},
                {"code": "weird", "at": 1772452800},
            )
        )
        [answer] = self._ingest_into(self.carrier, raw)
        self.assertEqual(answer["result"], "needs_review")
        self.assertIn("no mapping for code 'weird'", answer["reason"])
        self.assertIn("doc-1#", answer["reason"])
        self.assertEqual(self.shipment.milestone_ids.event_type_id.code, "picked_up")
        waiting = self.env["logistics.inbound.event"].search(
            [("endpoint_id", "=", self.carrier.id), ("state", "=", "needs_review")]
        )
        self.assertEqual(waiting.raw_code, "weird")
        # Mapped later: reprocessing takes the waiting update out of the stored document.
        self._map(self.profile, "weird", "delivered")
        waiting.action_reprocess()
        self.assertEqual(waiting.state, "processed")
        self.assertEqual(len(self.shipment.milestone_ids), 2)
        self.assertEqual(self.shipment.state, "delivered")

    def test_bad_time_is_rejected_naming_the_source_path(self):
        raw = self._raw(self._document({"code": "picked", "at": "yesterday"}))
        [answer] = self._ingest_into(self.carrier, raw)
        self.assertEqual(answer["result"], "rejected")
        self.assertIn("document.updates[0].at: 'yesterday' is not an epoch time", answer["reason"])
        self.assertFalse(self.shipment.milestone_ids)
        log = self.env["logistics.integration.log"].search(
            [("endpoint_id", "=", self.carrier.id), ("state", "=", "rejected")]
        )
        self.assertEqual(len(log), 1)

    def test_text_postgresql_cannot_keep_is_rejected_naming_the_source_path(self):
        surrogate = self._raw(
            self._document({"code": "picked", "at": 1772438400, "city": "\udc00"})
        )
        nul = self._raw(self._document({"code": "picked", "at": 1772438400, "city": "Ly\x00on"}))
        answers = self._ingest_into(self.carrier, surrogate, nul)
        self.assertEqual(
            [(answer["result"], answer["reason"]) for answer in answers],
            [
                (
                    "rejected",
                    "document.updates[0].city: must not contain a lone surrogate "
                    "(U+D800 to U+DFFF), which is no character",
                ),
                (
                    "rejected",
                    "document.updates[0].city: must not contain the NUL character (U+0000)",
                ),
            ],
        )
        self.assertFalse(self.shipment.milestone_ids)

    def test_event_in_the_wrong_format_is_rejected(self):
        envelope = {
            "event_id": "e1",
            "event_type": "status",
            "shipment_reference": "x",
            "occurred_at": "2026-03-02T08:00:00+00:00",
            "payload": {"status_code": "picked"},
        }
        [answer] = self._ingest_into(self.carrier, envelope)
        self.assertEqual(answer["result"], "rejected")
        self.assertIn("format: the inbound profile", answer["reason"])
        self.assertIn("reads 'json', this event is 'tms-event'", answer["reason"])

    def test_endpoint_without_profile_is_rejected(self):
        # With logistics_tms_inbound installed every endpoint falls back to the
        # generic TMS profile, so the reading step is called directly.
        no_profile = self.env["logistics.inbound.profile"]
        [(item_id, reasons)] = self.env["logistics.ingest"]._read_forwarded(
            self.carrier, no_profile, None, self._raw({"ref": "x"}), None
        )
        self.assertIsNone(item_id)
        self.assertEqual(reasons, [f"endpoint: {self.carrier.code!r} has no inbound profile"])

    def test_inbox_names_the_exchange_when_the_catalogue_has_it(self):
        exchange_type = self.env["logistics.exchange.type"].search(
            [("endpoint_id", "=", self.carrier.id), ("code", "=", "carrier_tracking_json")]
        )
        self.assertTrue(exchange_type, "every carrier endpoint has the raw JSON exchange type")
        self._ingest_into(
            self.carrier, self._raw(self._document({"code": "picked", "at": 1772438400}))
        )
        inbox = self.env["logistics.inbound.event"].search([("endpoint_id", "=", self.carrier.id)])
        self.assertEqual(inbox.exchange_type_id, exchange_type)

    @mute_logger("odoo.addons.logistics_inbound.models.logistics_ingest")
    def test_profile_paths_are_checked(self):
        from odoo.exceptions import ValidationError

        for values in (
            {"path_status_code": "document..code"},
            {"path_status_code": "document.a[*].x", "path_location": "document.b[*].y"},
            {"shipment_match_order": "tracking_number, vibes"},
            {"path_charge_amount": "document.amount"},
            {"path_event_type": False},
        ):
            with self.subTest(values), self.assertRaises(ValidationError):
                self._create_profile(**values)
