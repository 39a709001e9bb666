from datetime import timedelta

from odoo.exceptions import UserError

from .common import T0, LogisticsTmsInboundCase


class TestPlanning(LogisticsTmsInboundCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls._create_carrier("Planned Carrier")

    def test_planning_event_writes_reference_carrier_and_eta(self):
        fresh = self._create_shipment()
        eta = T0 + timedelta(days=2)
        answer = self._ingest_one(
            self._event(
                event_type="planning",
                reference=fresh.name,
                planning_reference="TMS-NEW-1",
                carrier="Planned Carrier",
                eta=eta.isoformat(),
                status_code="XB",
            )
        )
        self.assertEqual(answer["result"], "processed", answer)
        self.assertEqual(fresh.tms_reference, "TMS-NEW-1")
        self.assertEqual(fresh.carrier_id, self.carrier)
        self.assertEqual(fresh.estimated_date, eta.replace(tzinfo=None))
        self.assertEqual(fresh.state, "shipment_planned")
        self.assertFalse(fresh.planning_conflict)

    def test_a_late_older_planning_report_never_undoes_a_newer_one(self):
        fresh = self._create_shipment()
        newer_eta, older_eta = T0 + timedelta(days=3), T0 + timedelta(days=2)
        newer = self._event(
            event_type="planning",
            reference=fresh.name,
            occurred_at=T0 + timedelta(hours=2),
            eta=newer_eta.isoformat(),
            tracking_number="TRK-NEW",
        )
        older = self._event(
            event_type="planning",
            reference=fresh.name,
            occurred_at=T0,
            eta=older_eta.isoformat(),
            tracking_number="TRK-OLD",
            carrier="Planned Carrier",
        )
        self.assertEqual(self._ingest_one(newer)["result"], "processed")
        self.assertEqual(self._ingest_one(older)["result"], "processed")
        self.assertEqual(fresh.estimated_date, newer_eta.replace(tzinfo=None))
        self.assertEqual(fresh.tracking_number, "TRK-NEW")
        # What no newer report said, the older one still tells.
        self.assertEqual(fresh.carrier_id, self.carrier)
        # A report of the same time, arriving later, is the newer word.
        same_time = dict(newer["payload"], eta=older_eta.isoformat())
        again = dict(newer, event_id="evt-same-time", payload=same_time)
        self.assertEqual(self._ingest_one(again)["result"], "processed")
        self.assertEqual(fresh.estimated_date, older_eta.replace(tzinfo=None))

    def test_planning_event_gives_the_delivery_its_tracking_number_and_link(self):
        self.carrier.tracking_url = "https://track.example.com/?ref=<shipmenttrackingnumber>"
        fresh = self._shipment_with_tracking(False)
        answer = self._ingest_one(
            self._event(
                event_type="planning",
                reference=fresh.name,
                planning_reference="TMS-TRK-1",
                carrier="Planned Carrier",
                tracking_number=40012345,
                status_code="XB",
            )
        )
        self.assertEqual(answer["result"], "processed", answer)
        # A number is an id: taken as its text, on the delivery where Odoo keeps it.
        self.assertEqual(fresh.picking_id.carrier_tracking_ref, "40012345")
        self.assertEqual(fresh.tracking_url, "https://track.example.com/?ref=40012345")
        # The TMS owns it like the rest of its planning: a person's edit is refused.
        with self.assertRaisesRegex(UserError, "owned"):
            fresh.with_user(self.logistics_user).write({"tracking_number": "BY-HAND"})
        self.assertEqual(fresh.tracking_number, "40012345")

    def test_planning_event_with_only_a_tracking_number_is_planning(self):
        fresh = self._shipment_with_tracking(False, tms_reference="TMS-TRK-2")
        answer = self._ingest_one(
            self._event(event_type="planning", reference="TMS-TRK-2", tracking_number="JJD0001")
        )
        self.assertEqual(answer["result"], "processed", answer)
        self.assertEqual(fresh.tracking_number, "JJD0001")

    def test_planning_event_finds_the_carrier_by_code_or_alias(self):
        self.carrier.logistics_carrier_code = "PLC"
        self.env["logistics.carrier.alias"].create(
            {"endpoint_id": self.endpoint.id, "alias": "Planned Co.", "carrier_id": self.carrier.id}
        )
        for reference, carrier_name in (("TMS-CODE-1", "PLC"), ("TMS-ALIAS-1", "Planned Co.")):
            fresh = self._create_shipment()
            answer = self._ingest_one(
                self._event(
                    event_type="planning",
                    reference=fresh.name,
                    planning_reference=reference,
                    carrier=carrier_name,
                    status_code="XB",
                )
            )
            self.assertEqual(answer["result"], "processed", answer)
            self.assertEqual(fresh.carrier_id, self.carrier, carrier_name)

    def test_odoo_edit_of_tms_planning_is_refused(self):
        with self.assertRaisesRegex(UserError, "owned"):
            self.shipment.with_user(self.logistics_user).write({"tms_reference": "HAND-1"})
        with self.assertRaises(UserError):
            self.shipment.with_user(self.logistics_user).write({"carrier_id": self.carrier.id})
        self.assertEqual(self.shipment.tms_reference, "TMS-1000")

    def test_odoo_edit_is_flagged_when_policy_says_flag(self):
        self.env.ref(
            "logistics_integration.data_ownership_planning_reference"
        ).conflicting_edit_policy = "flag"
        self.shipment.with_user(self.logistics_user).write(
            {"estimated_date": "2026-04-01 10:00:00"}
        )
        self.assertTrue(self.shipment.planning_conflict)
        self.assertTrue(
            self.shipment.activity_ids.filtered(lambda a: "outside the TMS" in a.summary)
        )

    def test_unchanged_values_and_odoo_owned_planning_pass(self):
        self.shipment.write({"tms_reference": "TMS-1000"})
        self.env.ref(
            "logistics_integration.data_ownership_planning_reference"
        ).system_of_record = "odoo"
        self.shipment.write({"tms_reference": "HAND-2"})
        self.assertEqual(self.shipment.tms_reference, "HAND-2")

    def test_unknown_carrier_waits_for_review(self):
        answer = self._ingest_one(self._event(event_type="planning", carrier="Nobody Express"))
        self.assertEqual(answer["result"], "needs_review")
        self.assertIn("payload.carrier", answer["reason"])

    def test_delivered_without_pod_becomes_exception_after_delay(self):
        self.company.logistics_pod_delay_hours = 24
        self._ingest(self._event(status_code="D1", occurred_at=T0))
        with_pod = self._create_shipment(tms_reference="TMS-POD")
        self._ingest(self._event(status_code="D1", reference="TMS-POD", occurred_at=T0))
        self._ingest(
            self._event(
                event_type="pod",
                reference="TMS-POD",
                pod={"signed_by": "A", "signed_at": T0.isoformat(), "document_reference": "P-1"},
            )
        )
        self.env["logistics.shipment"]._cron_flag_missing_pod()
        self.assertTrue(self.shipment.pod_overdue)
        self.assertTrue(
            self.shipment.activity_ids.filtered(lambda a: "Proof of delivery" in a.summary)
        )
        self.assertFalse(with_pod.pod_overdue)

    def test_a_partial_proof_keeps_what_is_known_and_waits_for_the_document(self):
        self.company.logistics_pod_delay_hours = 24
        self._ingest(self._event(status_code="D1", occurred_at=T0))
        self._ingest(self._event(event_type="pod", pod={"document_reference": "P-9"}))
        self._ingest(self._event(event_type="pod", pod={"signed_by": "J. Doe"}))
        self.assertEqual(self.shipment.pod_signed_by, "J. Doe")
        self.assertEqual(self.shipment.pod_document_reference, "P-9")
        signer_only = self._create_shipment(tms_reference="TMS-SIGNER")
        self._ingest(self._event(status_code="D1", reference="TMS-SIGNER", occurred_at=T0))
        self._ingest(
            self._event(event_type="pod", reference="TMS-SIGNER", pod={"signed_by": "A. Smith"})
        )
        self.env["logistics.shipment"]._cron_flag_missing_pod()
        self.assertEqual(signer_only.pod_signed_by, "A. Smith")
        self.assertTrue(signer_only.pod_overdue, "a signer is no document: still missing")
        self.assertFalse(self.shipment.pod_overdue)

    def test_a_late_older_proof_never_undoes_a_newer_one(self):
        corrected = self._event(
            event_type="pod",
            occurred_at=T0 + timedelta(hours=2),
            pod={"signed_by": "Jane Doe", "document_reference": "P-2"},
        )
        first = self._event(
            event_type="pod",
            occurred_at=T0,
            pod={"signed_by": "J. D.", "document_reference": "P-1"},
        )
        self.assertEqual(self._ingest_one(corrected)["result"], "processed")
        self.assertEqual(self._ingest_one(first)["result"], "processed")
        self.assertEqual(self.shipment.pod_signed_by, "Jane Doe")
        self.assertEqual(self.shipment.pod_document_reference, "P-2")
