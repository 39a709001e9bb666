from datetime import timedelta

from .common import T0, LogisticsInboundCase

CHARGE = {"external_id": "c1", "charge_type": "base_freight", "amount": 10.0, "currency": "EUR"}
POD = {
    "signed_by": "J. Doe",
    "signed_at": "2026-03-02T10:00:00+00:00",
    "document_reference": "POD-1",
}


def _without(data, key):
    return {k: v for k, v in data.items() if k != key}


class TestValidation(LogisticsInboundCase):
    def _invalid_cases(self):
        """(description, event, field the reason must name)."""
        status = self._event
        charges = lambda *lines: self._event(event_type="charges", charges=list(lines))  # noqa: E731
        return [
            ("missing event id", _without(status(), "event_id"), "event_id:"),
            ("empty event id", dict(status(), event_id=""), "event_id:"),
            ("unknown event type", dict(status(), event_type="weather"), "event_type:"),
            (
                "missing shipment reference",
                _without(status(), "shipment_reference"),
                "shipment_reference:",
            ),
            (
                "event time without timezone",
                status(occurred_at="2026-03-02T08:00:00"),
                "occurred_at:",
            ),
            ("event time not a date", status(occurred_at="yesterday"), "occurred_at:"),
            (
                "event time far in the future",
                status(occurred_at=T0 + timedelta(days=3650)),
                "occurred_at:",
            ),
            ("status without status code", self._event(status_code=None), "payload.status_code:"),
            ("status code too long", status(status_code="X" * 65), "payload.status_code:"),
            ("detail not a string", status(status_detail=12), "payload.status_detail:"),
            (
                "payload event time naive",
                status(event_time="2026-03-02T09:00:00"),
                "payload.event_time:",
            ),
            ("location not a string", status(location={"city": "Rotterdam"}), "payload.location:"),
            ("carrier empty", self._event(event_type="planning", carrier=""), "payload.carrier:"),
            (
                "planning without data",
                self._event(event_type="planning"),
                "payload.planning_reference:",
            ),
            ("ETA naive", self._event(event_type="planning", eta="2026-03-05"), "payload.eta:"),
            ("POD missing", self._event(event_type="pod"), "payload.pod:"),
            ("POD naming nothing", self._event(event_type="pod", pod={}), "payload.pod:"),
            (
                "POD time naive",
                self._event(event_type="pod", pod=dict(POD, signed_at="2026-03-02 10:00")),
                "payload.pod.signed_at:",
            ),
            ("charges event without lines", charges(), "payload.charges:"),
            (
                "negative amount",
                charges(CHARGE, dict(CHARGE, external_id="c2", amount=-1)),
                "payload.charges[1].amount:",
            ),
            (
                "amount not a number",
                charges(dict(CHARGE, amount="ten")),
                "payload.charges[0].amount:",
            ),
            (
                "currency not ISO",
                charges(dict(CHARGE, currency="euro")),
                "payload.charges[0].currency:",
            ),
            (
                "charge without external id",
                charges(_without(CHARGE, "external_id")),
                "payload.charges[0].external_id:",
            ),
            (
                "unknown charge type",
                charges(dict(CHARGE, charge_type="tip")),
                "payload.charges[0].charge_type:",
            ),
            (
                "repeated charge id",
                charges(CHARGE, dict(CHARGE)),
                "payload.charges[1].external_id:",
            ),
            # NUL: PostgreSQL text cannot hold it; the event was rejected without a field.
            ("NUL in a status detail", status(status_detail="A\u0000B"), "payload.status_detail:"),
            ("NUL in a location", status(location="Utr\u0000echt"), "payload.location:"),
            (
                "NUL in a charge description",
                charges(dict(CHARGE, description="fuel\u0000")),
                "payload.charges[0].description:",
            ),
            ("unsupported schema version", dict(status(), schema_version="2"), "schema_version:"),
            ("not an object", "D1", "event:"),
        ]

    def test_each_invalid_event_is_rejected_naming_the_field(self):
        cases = self._invalid_cases()
        self.assertGreaterEqual(len(cases), 15)
        answers = self._ingest(*[event for _name, event, _field in cases])
        for (name, _event, field), answer in zip(cases, answers, strict=True):
            with self.subTest(name):
                self.assertEqual(answer["result"], "rejected", f"{name}: {answer}")
                self.assertIn(field, answer["reason"], name)
        self.assertFalse(self.shipment.milestone_ids)
        self.assertFalse(self.env["logistics.inbound.event"].search([]))

    def test_rejection_is_logged_with_reason(self):
        event = self._event(event_type="charges", charges=[dict(CHARGE, amount=-3)])
        answer = self._ingest_one(event)
        log = self.env["logistics.integration.log"].search(
            [("external_identifier", "=", event["event_id"])]
        )
        self.assertEqual(log.state, "rejected")
        self.assertEqual(log.error, answer["reason"])
        self.assertIn(
            "payload.charges[0].amount: Input should be greater than or equal to 0", log.error
        )

    def test_corrected_redelivery_of_rejected_event_is_accepted(self):
        event = self._event(status_code=None)
        self.assertEqual(self._ingest_one(event)["result"], "rejected")
        event["payload"]["status_code"] = "AF"
        self.assertEqual(self._ingest_one(event)["result"], "processed")

    def test_each_proof_of_delivery_field_is_optional(self):
        for name in POD:
            with self.subTest(name):
                answer = self._ingest_one(self._event(event_type="pod", pod=_without(POD, name)))
                self.assertEqual(answer["result"], "processed", answer)
