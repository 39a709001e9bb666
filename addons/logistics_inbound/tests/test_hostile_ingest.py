"""``ingest_events`` called directly by a member of the bridge group: whatever a batch
holds, each event gets its own answer with a reason, never an error of the whole call
(the bridge would retry the batch forever), and nothing is stored otherwise than sent."""

from .common import LogisticsInboundCase


class TestHostileIngest(LogisticsInboundCase):
    def _logged(self, event_id):
        return self.env["logistics.integration.log"].search(
            [("endpoint_id", "=", self.source_endpoint.id), ("external_identifier", "=", event_id)]
        )

    def test_text_postgresql_cannot_hold_is_answered_per_event(self):
        cases = [
            ("NUL in the event id", dict(self._event(), event_id="evt\x00nul"), "event_id:"),
            (
                "NUL in the correlation id",
                dict(self._event(), correlation_id="c\x00"),
                "correlation_id:",
            ),
            ("NUL in the event type", dict(self._event(), event_type="st\x00atus"), "event_type:"),
            (
                "lone surrogate in the event id",
                dict(self._event(), event_id="evt\ud800"),
                "event_id:",
            ),
            (
                "lone surrogate in a location",
                self._event(location="Dock \udc00"),
                "payload.location:",
            ),
            ("lone surrogate in a key", self._event(**{"note\ud83d": "x"}), "payload.note\\ud83d:"),
            ("lone surrogate in the format", dict(self._event(), format="\ud800"), "format:"),
        ]
        good = self._event(status_code="AF")
        answers = self._ingest(*[event for _name, event, _field in cases], good)
        for (name, _event, field), answer in zip(cases, answers, strict=False):
            with self.subTest(name):
                self.assertEqual(answer["result"], "rejected", f"{name}: {answer}")
                self.assertIn(field, answer["reason"], name)
        self.assertEqual(answers[-1]["result"], "processed")
        self.assertEqual(self.shipment.state, "picked_up")
        # The rejection is on record, its text escaped where PostgreSQL cannot hold it.
        self.assertEqual(self._logged("evt\\x00nul").state, "rejected")
        self.assertEqual(self._logged("evt\\ud800").state, "rejected")
        stored = self.env["logistics.inbound.event"].search(
            [("endpoint_id", "=", self.source_endpoint.id)]
        )
        self.assertEqual(stored.mapped("external_event_id"), [good["event_id"]])

    def test_an_endpoint_code_that_is_not_text_reaches_no_endpoint(self):
        ingest = self.env["logistics.ingest"].with_user(self.bridge_user)
        for code in (None, False, "", [], {}, 1, ["x"], "\x00", "\ud800", "x" * 10000):
            with self.subTest(code=repr(code)[:20]):
                event = self._event()
                (answer,) = ingest.ingest_events(code, [event])
                self.assertEqual(answer["result"], "rejected")
                self.assertIn("endpoint: no active endpoint with code", answer["reason"])
                self.assertFalse(
                    self.env["logistics.inbound.event"].search(
                        [("external_event_id", "=", event["event_id"])]
                    )
                )

    def test_a_time_that_is_not_iso_text_is_rejected_naming_it(self):
        # pydantic alone reads a number, or a string of one ("+5"), as unix time: the
        # event would be stored as happening in 1970.
        pod = {"signed_by": "J. Doe"}
        cases = [
            ("event time a number", self._event(event_time=1), "payload.event_time:"),
            ("event time a signed number", self._event(event_time="+5"), "payload.event_time:"),
            ("event time unix text", self._event(event_time="1772438400"), "payload.event_time:"),
            ("ETA a number", self._event("planning", eta=1772438400), "payload.eta:"),
            ("ETA a signed number", self._event("planning", eta="+5"), "payload.eta:"),
            (
                "signing time a number",
                self._event("pod", pod=dict(pod, signed_at=1.5)),
                "payload.pod.signed_at:",
            ),
            ("received at a number", dict(self._event(), received_at=1), "received_at:"),
            ("received at unix text", dict(self._event(), received_at="-5"), "received_at:"),
        ]
        answers = self._ingest(*[event for _name, event, _field in cases])
        for (name, _event, field), answer in zip(cases, answers, strict=True):
            with self.subTest(name):
                self.assertEqual(answer["result"], "rejected", f"{name}: {answer}")
                self.assertIn(f"{field} must be an ISO 8601 date-time string", answer["reason"])
        self.assertFalse(self.shipment.milestone_ids)
        self.assertFalse(
            self.env["logistics.inbound.event"].search(
                [("endpoint_id", "=", self.source_endpoint.id)]
            )
        )

    def test_an_amount_is_a_number_or_its_decimal_text(self):
        def charges(amount):
            line = {"external_id": "c1", "charge_type": "base_freight", "currency": "EUR"}
            return self._event("charges", charges=[dict(line, amount=amount)])

        # True would be 1.0, "1_000" 1000.0 and "٣" 3.0: Python reads them, no sender means them.
        refused = [True, False, "1_000", "\u0663", "0x10", "12,5", "1 000"]
        answers = self._ingest(*[charges(amount) for amount in refused])
        for amount, answer in zip(refused, answers, strict=True):
            with self.subTest(amount=amount):
                self.assertEqual(answer["result"], "rejected", answer)
                self.assertIn("payload.charges[0].amount: must be a number", answer["reason"])
        # The same number written otherwise is that number.
        kept = [12.5, "12.50", " 12.5 ", "+12.5", "1.25e1", ".5", "7"]
        for amount, answer in zip(kept, self._ingest(*[charges(a) for a in kept]), strict=True):
            with self.subTest(amount=amount):
                self.assertNotEqual(answer["result"], "rejected", answer)

    def test_charges_that_are_not_an_array_are_rejected_naming_them(self):
        # One charge line sent as the object itself, not an array of one: a status event
        # was processed without its charge, a charges event was told it had none.
        line = {
            "external_id": "c1",
            "charge_type": "base_freight",
            "amount": 7.5,
            "currency": "EUR",
        }
        cases = [
            ("status event, one line as an object", self._event(charges=line), "an object"),
            (
                "charges event, one line as an object",
                self._event("charges", charges=line),
                "an object",
            ),
            ("charges as text", self._event("charges", charges="7.50 EUR"), "a string"),
            ("charges as a number", self._event("charges", charges=7.5), "a number"),
        ]
        answers = self._ingest(*[event for _name, event, _kind in cases])
        for (name, _event, kind), answer in zip(cases, answers, strict=True):
            with self.subTest(name):
                self.assertEqual(answer["result"], "rejected", answer)
                self.assertIn(
                    f"payload.charges: must be an array of charge lines, not {kind}",
                    answer["reason"],
                )
        self.assertFalse(self.shipment.milestone_ids)
        # null and an empty array are no charges at all.
        for charges in (None, []):
            with self.subTest(charges=charges):
                answer = self._ingest_one(self._event(charges=charges))
                self.assertEqual(answer["result"], "processed", answer)
